import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { SubmissionSweeper } from '../../src/grading/submission-sweeper';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { testRedisUrl } from '../setup/test-env';
import { TestData } from '../support/fixtures';
import { newOwnDatabase } from '../support/own-database';
import { startApi, startWorker as startAnyWorker } from '../support/platform';
import { waitUntil } from '../support/polling';

/**
 * An accepted submission reaches a final state with a stored result, even when its job is lost.
 * The sweeper looks at every stale submission of its database, so this spec has a database of its
 * own: its sweeps count only the submissions made here, never what earlier specs left behind.
 */
describe('the sweeper guarantees that nothing accepted is lost', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let student: { id: string; key: string };
  let reference: string;
  let database: Awaited<ReturnType<typeof newOwnDatabase>>;
  const startWorker = (overrides: Record<string, string> = {}) => startAnyWorker({ DATABASE_URL: database.url, ...overrides });

  beforeAll(async () => {
    database = await newOwnDatabase('sweeps');
    app = await startApi({ DATABASE_URL: database.url });
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const course = await data.newCourse();
    student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    reference = `${course.slug}/${(await data.newExercise(course.id)).slug}`;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const age = (id: string) => prisma.$executeRaw`UPDATE submissions SET updated_at = now() - interval '5 minutes' WHERE id = ${id}::uuid`;

  const waitForStatus = (id: string, statuses: string[], withinMs = 30_000) =>
    waitUntil(
      () => prisma.submission.findUniqueOrThrow({ where: { id } }),
      (submission) => statuses.includes(submission.status),
      { withinMs, what: `submission ${id} ${statuses.join(' or ')}` },
    );

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
    // The queue is paused while the sweeper looks, so no consuming worker can take the job first:
    // the job is certainly waiting in Redis when the sweep sees the stale submission.
    const queue = new Queue(GRADING_QUEUE, { connection: { url: testRedisUrl() }, prefix: 'memgrade' });
    await queue.pause();
    let worker: INestApplicationContext | undefined;
    try {
      const created = await request(app.getHttpServer())
        .post('/api/v1/submissions')
        .set('Authorization', `Bearer ${student.key}`)
        .send({ exercise: reference, files: { 'solution.py': 'print(1)\n' } })
        .expect(202);
      const id: string = created.body.id;
      await age(id);
      worker = await startWorker({ WORKER_CONCURRENCY: '1' });
      // A submission's job waits in BullMQ's prioritized set (it carries the student's priority).
      expect(await queue.getJobState(id)).toBe('prioritized');

      // The job is in Redis: the sweeper must not queue a second one.
      const { requeued } = await worker.get(SubmissionSweeper).sweep();
      expect(requeued).toBe(0);
      // A submission's job waits in BullMQ's prioritized set (it carries the student's priority).
      expect(await queue.getJobState(id)).toBe('prioritized');
      expect(await queue.getJobState(`${id}_1`)).toBe('unknown');
      expect(await prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'queued', jobId: id, sweeps: 0 });

      await queue.resume();
      await waitForStatus(id, ['graded']);
    } finally {
      await queue.resume();
      await queue.close();
      await worker?.close();
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
