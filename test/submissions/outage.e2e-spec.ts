import { spawnSync } from 'node:child_process';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { within } from '../../src/common/time/within';
import { PrismaService } from '../../src/database/prisma.service';
import { WorkerHeartbeatService } from '../../src/grading/worker-heartbeat.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { createDockerClient } from '../../src/sandbox';
import { LABEL } from '../../src/sandbox/container-spec';
import { currentProcessSpace } from '../../src/sandbox/orphan-reaper';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded, waitUntil } from '../support/integrations';
import { closeWithin, startApi, startWorker } from '../support/platform';
import { startPrivateRedis } from '../support/private-redis';
import { startTcpProxy, viaProxy } from '../support/tcp-proxy';
import { freePort } from '../support/integrations';

/**
 * Infrastructure faults are not the student's. The worker reaches Postgres and the Docker engine
 * through TCP proxies the spec cuts (the API and the services themselves stay up, as they are
 * shared): while one is gone the worker's breaker pauses it, the job waits without spending an
 * attempt, the submission reads queued with the reason, /health says so, and once the service is
 * back the submission is graded as in a quiet run, with one attempt.
 */
jest.setTimeout(180_000);

/** Longer than the whole old backoff (2 + 4 + 8 s), after which an outage used to end submissions as error. */
const OUTAGE_MS = 20_000;

describe('outages of Postgres and Docker cost the student nothing; orphans are reaped continuously', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let data: TestData;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    app = await startApi();
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await app?.get<Queue>(getQueueToken(GRADING_QUEUE)).obliterate({ force: true });
    await closeWithin(app, 'the API');
  });

  async function studentWithExercise() {
    const { course, student } = await data.newCourseWithPeople();
    const { slug } = await data.newExercise(course.id, 'imports');
    const submit = async () =>
      (
        await request(app.getHttpServer())
          .post('/api/v1/submissions')
          .set('Authorization', `Bearer ${student.key}`)
          .send({ exercise: `${course.slug}/${slug}`, files: { 'solution.py': fixture('submissions/prints-total.py') } })
          .expect(202)
      ).body.id as string;
    const read = async (id: string) => (await request(app.getHttpServer()).get(`/api/v1/submissions/${id}`).set('Authorization', `Bearer ${student.key}`).expect(200)).body;
    return { student, submit, read };
  }

  const health = async () => (await request(app.getHttpServer()).get('/health')).body;
  const jobOf = async (id: string) => app.get<Queue>(getQueueToken(GRADING_QUEUE)).getJob(id);

  async function workerVia(overrides: Record<string, string>): Promise<INestApplicationContext> {
    const worker = await startWorker(overrides);
    cleanups.push(() => closeWithin(worker, 'a worker'));
    return worker;
  }

  it(`a ${OUTAGE_MS / 1000} s Postgres outage: the worker pauses, the job spends no attempt, and the submission is graded after it`, async () => {
    const direct = new URL(process.env.DATABASE_URL!);
    const proxy = await startTcpProxy(Number(direct.port || 5432));
    cleanups.push(() => proxy.close());
    const worker = await workerVia({ DATABASE_URL: viaProxy(process.env.DATABASE_URL!, proxy.port) });
    const { submit, read, student } = await studentWithExercise();
    // A quiet run first, to compare with.
    const quiet = await waitForGraded(app, student.key, await submit());
    expect(quiet).toMatchObject({ status: 'graded', score: 1 });

    await proxy.cut();
    const id = await submit();
    const paused = await waitUntil(health, (body) => body.checks.docker.workersPaused >= 1, 15_000, 'the worker reported paused');
    expect(paused.checks.docker).toMatchObject({ status: 'up', workersPaused: 1 });
    const outageStarted = Date.now();
    while (Date.now() - outageStarted < OUTAGE_MS) {
      // Waiting, never running and never error, however long it lasts.
      expect((await read(id)).status).toBe('queued');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const job = await jobOf(id);
    expect(job?.attemptsMade).toBe(0);
    expect(job?.data).toMatchObject({ postponements: expect.any(Number) });
    expect(await prisma.submission.findUniqueOrThrow({ where: { id }, select: { attempts: true } })).toEqual({ attempts: 0 });

    await proxy.restore();
    const graded = await waitForGraded(app, student.key, id, 60_000);
    expect(graded).toMatchObject({ status: 'graded', verdict: quiet.verdict, score: quiet.score, errorReason: null });
    expect(await prisma.submission.findUniqueOrThrow({ where: { id }, select: { attempts: true } })).toEqual({ attempts: 1 });
    expect(await prisma.gradingResult.count({ where: { submissionId: id } })).toBe(1);
    await waitUntil(health, (body) => body.checks.docker.workersPaused === 0, 10_000, 'the worker resumed');
    await worker.close();
  });

  it(`a ${OUTAGE_MS / 1000} s Docker outage: the submission reads queued with the reason, its attempt is given back, and it is graded after it`, async () => {
    const socket = join(tmpdir(), `memgrade-docker-proxy-${process.pid}.sock`);
    const proxy = await startTcpProxy({ path: '/var/run/docker.sock' }, undefined, socket);
    cleanups.push(() => proxy.close());
    const worker = await workerVia({ DOCKER_HOST: `unix://${socket}` });
    const { submit, read, student } = await studentWithExercise();
    const quiet = await waitForGraded(app, student.key, await submit());
    expect(quiet).toMatchObject({ status: 'graded', score: 1, errorReason: null });

    await proxy.cut();
    const lost = Date.now();
    const down = await waitUntil(health, (body) => body.checks.docker.status === 'down', 10_000, '/health to report docker down');
    const noticedMs = Date.now() - lost;
    expect(down.status).toBe('degraded');
    const id = await submit();
    const waiting = await waitUntil(
      () => read(id),
      (body) => !!body.errorReason,
      20_000,
      'the submission to say why it waits',
    );
    expect(waiting).toMatchObject({ status: 'queued', errorReason: expect.stringMatching(/^waiting for the platform to recover \(docker is down: .*\); this does not count/) });
    const outageStarted = Date.now();
    while (Date.now() - outageStarted < OUTAGE_MS) {
      expect((await read(id)).status).toBe('queued');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect((await jobOf(id))?.attemptsMade).toBe(0);
    expect(await prisma.submission.findUniqueOrThrow({ where: { id }, select: { attempts: true } })).toEqual({ attempts: 0 });

    await proxy.restore();
    const graded = await waitForGraded(app, student.key, id, 60_000);
    expect(graded).toMatchObject({ status: 'graded', verdict: quiet.verdict, score: quiet.score, errorReason: null });
    expect(await prisma.submission.findUniqueOrThrow({ where: { id }, select: { attempts: true } })).toEqual({ attempts: 1 });
    await worker.close();
    // Measured, for the record: how soon /health saw the engine go.
    process.stdout.write(`docker loss noticed by /health after ${noticedMs} ms\n`);
    expect(noticedMs).toBeLessThan(4_000);
  });

  it('removes an orphaned sandbox container while the worker runs, without a restart', async () => {
    await workerVia({ SANDBOX_REAP_INTERVAL_SECONDS: '1' });
    const docker = createDockerClient(process.env.DOCKER_HOST);
    // A pid that is certainly gone: a process that has exited.
    const deadPid = spawnSync('true').pid!;
    const container = await docker.createContainer({
      Image: process.env.SANDBOX_IMAGE!,
      Cmd: ['sleep', '600'],
      Labels: {
        [LABEL.sandbox]: '1',
        [LABEL.worker]: `gone-worker:${deadPid}`,
        [LABEL.host]: hostname(),
        [LABEL.processSpace]: currentProcessSpace(),
        [LABEL.pid]: String(deadPid),
        [LABEL.lifetime]: '600',
      },
      HostConfig: { NetworkMode: 'none' },
    });
    cleanups.push(() => container.remove({ force: true }));
    await container.start();
    const started = Date.now();
    await waitUntil(
      async () => (await docker.listContainers({ all: true, filters: { id: [container.id] } })).length,
      (n) => n === 0,
      10_000,
      'the orphan to be reaped',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('a Redis restart without persistence', () => {
  it('loses no submission accepted while Redis was down, and spends no attempt on it', async () => {
    const port = await freePort();
    let redis = await startPrivateRedis(port);
    let redisDown = false;
    let failure: Error | undefined;
    const REDIS_URL = `redis://127.0.0.1:${port}/0`;
    const app = await startApi({ REDIS_URL });
    const worker = await startWorker({ REDIS_URL });
    try {
      const data = new TestData(app.get(PrismaService));
      const { course, student } = await data.newCourseWithPeople();
      const { slug } = await data.newExercise(course.id, 'imports');
      const submit = () =>
        request(app.getHttpServer())
          .post('/api/v1/submissions')
          .set('Authorization', `Bearer ${student.key}`)
          .send({ exercise: `${course.slug}/${slug}`, files: { 'solution.py': fixture('submissions/prints-total.py') } });
      const quiet = await waitForGraded(app, student.key, (await submit().expect(202)).body.id);
      expect(quiet).toMatchObject({ status: 'graded', score: 1 });

      await redis.stop();
      redisDown = true;
      // Accepted while Redis is gone: stored queued, its job not queued (the sweeper's work). The
      // POST must answer while Redis is gone (it is only restarted after the answer).
      const accepted = await submit().timeout(15_000);
      expect(accepted.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      redis = await startPrivateRedis(port);
      redisDown = false;
      const graded = await waitForGraded(app, student.key, accepted.body.id, 90_000).catch(async (error: Error) => {
        // Say where it stopped: the stored row, and what the queue holds for it.
        const row = await app
          .get(PrismaService)
          .submission.findUnique({ where: { id: accepted.body.id }, select: { status: true, jobId: true, sweeps: true, attempts: true, errorReason: true } });
        const queue = app.get<Queue>(getQueueToken(GRADING_QUEUE));
        const state = row?.jobId ? await within(queue.getJobState(row.jobId), 2_000, 'Redis').catch((e: Error) => e.message) : 'no job id';
        throw new Error(`${error.message}; submission ${JSON.stringify(row)}; job ${state}`);
      });
      expect(graded).toMatchObject({ status: 'graded', verdict: quiet.verdict, score: quiet.score });
      expect(await app.get(PrismaService).submission.findUniqueOrThrow({ where: { id: accepted.body.id }, select: { attempts: true } })).toEqual({ attempts: 1 });
    } catch (error) {
      failure = error as Error;
    }
    // Bounded (closing needs Redis): a close that hangs fails here instead of leaking into the
    // next file, and never hides the failure that came first.
    if (redisDown) redis = await startPrivateRedis(port);
    const closed = await Promise.allSettled([closeWithin(worker, 'the worker'), closeWithin(app, 'the API')]);
    await redis.stop();
    if (failure) throw failure;
    const hung = closed.find((result) => result.status === 'rejected');
    if (hung) throw hung.reason;
  });
});

describe('/health and stopped workers', () => {
  it('drops a worker that stopped without a word within a few seconds', async () => {
    const app = await startApi();
    const worker = await startWorker();
    try {
      const readDocker = async () => (await request(app.getHttpServer()).get('/health')).body.checks.docker;
      await waitUntil(readDocker, (docker) => docker.workers >= 1, 10_000, 'the worker heard');
      const before = (await readDocker()).workers as number;
      // Silence it as a SIGKILL would: no more beats, and its key is not deleted.
      const heartbeat = worker.get(WorkerHeartbeatService) as unknown as { timer?: NodeJS.Timeout };
      clearInterval(heartbeat.timer);
      const silenced = Date.now();
      await waitUntil(readDocker, (docker) => (docker.workers ?? 0) < before, 10_000, 'the silent worker dropped');
      const droppedMs = Date.now() - silenced;
      process.stdout.write(`silent worker dropped by /health after ${droppedMs} ms\n`);
      expect(droppedMs).toBeLessThan(5_000);
    } finally {
      await worker.close();
      await app.close();
    }
  });
});
