import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { TestData } from '../support/fixtures';
import { waitForGraded, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

/** Keeps the one grading slot of a concurrency-1 worker busy for a few seconds. */
const SLOW = 'import time\ntime.sleep(6)\n';

/** A burst: accepted at once, a queued submission says where it stands, first tries go first, stale ones are replaced. */
describe('back-pressure and honesty under a burst', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let data: TestData;
  let courseId: string;
  let courseSlug: string;

  beforeAll(async () => {
    app = await startApi({ PUBLISH_CATALOG: 'false' });
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    const course = await data.newCourse();
    courseId = course.id;
    courseSlug = course.slug;
  });

  afterAll(async () => {
    await app?.close();
  });

  async function newStudent() {
    const student = await data.newUser('student');
    await data.enrol(courseId, student.id, 'student');
    return student;
  }
  const newExercise = async () => `${courseSlug}/${(await data.newExercise(courseId)).slug}`;
  const submit = (on: INestApplication, key: string, exercise: string, source = 'print(1)\n') =>
    request(on.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${key}`)
      .send({ exercise, files: { 'solution.py': source } })
      .expect(202);
  const view = async (key: string, id: string) => (await request(app.getHttpServer()).get(`/api/v1/submissions/${id}`).set('Authorization', `Bearer ${key}`).expect(200)).body;

  it('accepts a submission at once while no worker grades anything, and says it waits with no estimate', async () => {
    const student = await newStudent();
    const exercise = await newExercise();
    // No worker runs: a POST that waited for grading would never answer. (How fast it answers is
    // bench:api's business, not a timed test's.)
    const created = await submit(app, student.key, exercise);
    expect(created.body).toEqual({ id: expect.any(String), status: 'queued' });
    // Nothing will start it: no worker runs (one that stopped just now counts for at most 10 s more).
    const body = await waitUntil(
      () => view(student.key, created.body.id),
      (b) => b.queue?.slots === 0,
      15_000,
      'no worker slots',
    );
    expect(body).toMatchObject({ status: 'queued', queue: { state: 'waiting', position: expect.any(Number), ahead: expect.any(Number) } });
    expect(body.queue.position).toBe(body.queue.ahead + 1);
    expect(body.queue).toMatchObject({ workers: 0, slots: 0, estimatedWaitSeconds: null });
  });

  describe('with one worker grading one submission at a time', () => {
    let worker: INestApplicationContext;

    beforeAll(async () => {
      worker = await startWorker({ WORKER_CONCURRENCY: '1', WORKER_METRICS_PORT: '0' });
    });

    afterAll(async () => {
      await worker?.close();
    });

    /** Queues a slow submission and waits until the worker is grading it: the slot is busy, the line stands still. */
    async function occupyTheWorker() {
      const blocker = await newStudent();
      const created = await submit(app, blocker.key, await newExercise(), SLOW);
      await waitUntil(
        () => prisma.submission.findUniqueOrThrow({ where: { id: created.body.id } }),
        (s) => s.status === 'running',
        60_000,
        'slow submission running',
      );
      return { key: blocker.key, id: created.body.id as string };
    }

    it("grades another student's first submission before a student's resubmissions", async () => {
      await occupyTheWorker();
      const [eager, newcomer] = [await newStudent(), await newStudent()];
      const exercise = await newExercise();
      const tries: string[] = [];
      for (let i = 0; i < 3; i++) tries.push((await submit(app, eager.key, exercise, `print(${i})\n`)).body.id);
      const first = (await submit(app, newcomer.key, exercise)).body.id;
      const queue = app.get<Queue>(getQueueToken(GRADING_QUEUE));
      expect(await Promise.all([...tries, first].map(async (id) => (await queue.getJob(id))?.opts.priority))).toEqual([1, 2, 3, 1]);
      const places = await Promise.all([...tries.map((id) => view(eager.key, id)), view(newcomer.key, first)]);
      const [p1, p2, p3, pFirst] = places.map((body) => body.queue.position);
      expect(pFirst).toBe(p1 + 1);
      expect(p2).toBe(pFirst + 1);
      expect(p3).toBe(p2 + 1);
      // And the worker grades them in that order.
      for (const id of tries) await waitForGraded(app, eager.key, id, 90_000);
      await waitForGraded(app, newcomer.key, first, 90_000);
      const started = await prisma.submission.findMany({ where: { id: { in: [...tries, first] } }, select: { id: true, startedAt: true } });
      const order = started.sort((x, y) => x.startedAt!.getTime() - y.startedAt!.getTime()).map((s) => s.id);
      expect(order).toEqual([tries[0], first, tries[1], tries[2]]);
    });

    it('shows each queued submission its position and an estimate from the workers and recent grading times', async () => {
      await occupyTheWorker();
      const [first, second] = [await newStudent(), await newStudent()];
      const exercise = await newExercise();
      const a = (await submit(app, first.key, exercise)).body.id;
      const b = (await submit(app, second.key, exercise)).body.id;
      // The API learns the workers' slots from what they report every few seconds.
      await waitUntil(
        () => view(first.key, a),
        (body) => body.queue?.slots === 1,
        10_000,
        'worker slots known',
      );
      // Both read at once: between two reads a sweep of the shared queue may add a job (another spec's lost one).
      const [viewA, viewB] = await Promise.all([view(first.key, a), view(second.key, b)]);
      expect(viewA.queue).toMatchObject({ state: 'waiting', workers: 1, slots: 1 });
      expect(viewB.queue.position).toBeGreaterThan(viewA.queue.position);
      // Graded submissions exist by now (the test before); one slot, busy: each job ahead and the running one must finish first, at the recent mean each.
      expect(viewA.queue.recentGradingSeconds).toBeGreaterThan(0);
      expect(viewA.queue.estimatedWaitSeconds).toBeCloseTo((viewA.queue.ahead + 1) * viewA.queue.recentGradingSeconds, 0);
      expect(viewB.queue.estimatedWaitSeconds).toBeGreaterThan(viewA.queue.estimatedWaitSeconds);
      const graded = await waitForGraded(app, second.key, b, 90_000);
      expect(graded).toMatchObject({ status: 'graded' });
      expect(graded.queue).toBeUndefined();
    });
  });

  it('ends the oldest queued submission beyond the limit with the reason, and keeps the newest', async () => {
    const limited = await startApi({ PUBLISH_CATALOG: 'false', SUBMISSION_MAX_QUEUED_PER_EXERCISE: '2' });
    try {
      const student = await newStudent();
      const exercise = await newExercise();
      const other = await newExercise();
      const c1 = (await submit(limited, student.key, exercise, 'print("one")\n')).body;
      const c2 = (await submit(limited, student.key, exercise, 'print("two")\n')).body;
      const elsewhere = (await submit(limited, student.key, other)).body;
      expect([c1, c2, elsewhere].every((body) => body.replaced === undefined)).toBe(true);
      const c3 = (await submit(limited, student.key, exercise, 'print("three")\n')).body;
      expect(c3).toEqual({ id: expect.any(String), status: 'queued', replaced: [c1.id] });

      const replaced = await view(student.key, c1.id);
      expect(replaced).toMatchObject({ status: 'error', errorReason: expect.stringContaining(`replaced by your newer submission ${c3.id}`), finishedAt: expect.any(String) });
      expect(replaced.errorReason).toContain('at most 2');
      expect(replaced.queue).toBeUndefined();
      // Its job left the queue; the newest two (and the other exercise's) still wait.
      const queue = app.get<Queue>(getQueueToken(GRADING_QUEUE));
      expect(await queue.getJobState(c1.id)).toBe('unknown');
      for (const id of [c2.id, c3.id, elsewhere.id]) expect(await view(student.key, id)).toMatchObject({ status: 'queued', queue: { state: 'waiting' } });
      // Never lost: every accepted submission is in the database, in a final state or waiting.
      expect(await prisma.submission.count({ where: { userId: student.id } })).toBe(4);
    } finally {
      await limited.close();
    }
  });
});
