import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { SubmissionSweeper } from '../../src/grading/submission-sweeper';
import { testRedisUrl } from '../setup/test-env';
import { TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';

/** An accepted submission reaches a final state with a stored result, even when its job is lost. */
describe('the sweeper guarantees that nothing accepted is lost', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let student: { id: string; key: string };
  let reference: string;

  beforeAll(async () => {
    app = await startApi();
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const course = await data.newCourse();
    student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    reference = `${course.slug}/${(await data.newExercise(course.id)).slug}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  const age = (id: string) => prisma.$executeRaw`UPDATE submissions SET updated_at = now() - interval '5 minutes' WHERE id = ${id}::uuid`;

  async function waitForStatus(id: string, statuses: string[], withinMs = 30_000) {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const submission = await prisma.submission.findUniqueOrThrow({ where: { id } });
      if (statuses.includes(submission.status)) return submission;
      if (Date.now() > deadline) throw new Error(`submission ${id} still ${submission.status}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  it('re-queues a submission whose job Redis lost, and it is graded', async () => {
    const created = await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${student.key}`)
      .send({ exercise: reference, files: { 'solution.py': 'print("kept")\n' } })
      .expect(202);
    // Redis restarts without persistence before any worker took the job.
    const redis = new Redis(testRedisUrl());
    await redis.flushdb();
    redis.disconnect();
    await age(created.body.id);

    let worker: INestApplicationContext | undefined;
    try {
      worker = await startWorker();
      expect(await worker.get(SubmissionSweeper).sweep()).toEqual({ requeued: 1, failed: 0 });
      const graded = await waitForStatus(created.body.id, ['graded', 'error']);
      expect(graded).toMatchObject({ status: 'graded', verdict: 'ok', score: 1, jobId: `${created.body.id}_1` });
      expect(await prisma.gradingResult.count({ where: { submissionId: created.body.id } })).toBe(1);
    } finally {
      await worker?.close();
    }
  });

  it('leaves a submission whose job is still waiting alone', async () => {
    const created = await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${student.key}`)
      .send({ exercise: reference, files: { 'solution.py': 'print(1)\n' } })
      .expect(202);
    await age(created.body.id);
    const worker = await startWorker({ WORKER_CONCURRENCY: '1' });
    try {
      // The job is in Redis: the sweeper must not queue a second one.
      const sweeper = worker.get(SubmissionSweeper);
      const { requeued } = await sweeper.sweep();
      expect(requeued).toBe(0);
      await waitForStatus(created.body.id, ['graded']);
    } finally {
      await worker.close();
    }
  });

  it('ends a submission as error with a reason once its job was lost too many times', async () => {
    const created = await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${student.key}`)
      .send({ exercise: reference, files: { 'solution.py': 'print(1)\n' } })
      .expect(202);
    await prisma.submission.update({ where: { id: created.body.id }, data: { jobId: `${created.body.id}_3`, sweeps: 3, status: 'running' } });
    const redis = new Redis(testRedisUrl());
    await redis.flushdb();
    redis.disconnect();
    await age(created.body.id);
    const worker = await startWorker();
    try {
      expect(await worker.get(SubmissionSweeper).sweep()).toEqual({ requeued: 0, failed: 1 });
      const ended = await prisma.submission.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(ended).toMatchObject({ status: 'error', errorReason: expect.stringContaining('lost 4 times') });
      const view = await request(app.getHttpServer()).get(`/api/v1/submissions/${created.body.id}`).set('Authorization', `Bearer ${student.key}`).expect(200);
      expect(view.body).toMatchObject({ status: 'error', errorReason: expect.stringContaining('submit again') });
    } finally {
      await worker.close();
    }
  });

  it('ends a submission that has been running longer than its limits allow, whatever its job says', async () => {
    const created = await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${student.key}`)
      .send({ exercise: reference, files: { 'solution.py': 'print(1)\n' } })
      .expect(202);
    await prisma.$executeRaw`UPDATE submissions SET status = 'running', started_at = now() - interval '2 hours', updated_at = now() - interval '2 hours' WHERE id = ${created.body.id}::uuid`;
    // Its job is gone too, so no worker finishes it first: only the bound can end it.
    const redis = new Redis(testRedisUrl());
    await redis.flushdb();
    redis.disconnect();
    const worker = await startWorker();
    try {
      expect(await worker.get(SubmissionSweeper).sweep()).toMatchObject({ failed: 1 });
      const ended = await prisma.submission.findUniqueOrThrow({ where: { id: created.body.id } });
      expect(ended).toMatchObject({ status: 'error', errorReason: expect.stringContaining('longer than its limits allow') });
    } finally {
      await worker.close();
    }
  });
});
