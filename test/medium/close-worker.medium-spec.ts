import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { within } from '../../src/common/time/within';
import { closeWorker, REDIS_AWAY_PATIENCE_MS } from '../../src/queue/close-worker';
import { JobsInProgress } from '../../src/queue/jobs-in-progress';
import { bullConnection, reconnectDelayMs } from '../../src/queue/queue.module';
import { freePort } from '../support/integrations';
import { startPrivateRedis } from '../support/private-redis';
import { waitUntil } from '../support/polling';

/**
 * A worker closes whenever it is told to, on a Redis of the spec's own that it stops and starts:
 * BullMQ 6.7's close() of a worker whose blocking connection waits between two reconnect attempts
 * never finished (closeWorker says why), and a worker SIGTERMed after a Redis restart did not exit.
 */
describe('closing a BullMQ worker around a Redis restart', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await within(stop(), 5_000, 'a clean-up step').catch(() => undefined);
  });

  async function workerOnPrivateRedis(processor: (job: Job) => Promise<unknown> = async () => 'done') {
    const port = await freePort();
    let redis = await startPrivateRedis(port);
    stops.push(() => redis.stop());
    const connection = bullConnection(`redis://127.0.0.1:${port}/0`);
    const jobs = new JobsInProgress();
    const worker = new Worker('close-worker-spec', (job) => jobs.run(() => processor(job)), { connection });
    worker.on('error', () => undefined);
    await worker.waitUntilReady();
    const blocking = (await worker.backend.blockingClient)!;
    await waitUntil(
      async () => blocking.status,
      (status) => status === 'ready',
      { withinMs: 5_000, what: 'the blocking connection ready' },
    );
    return {
      worker,
      jobs,
      connection,
      port,
      blocking,
      stopRedis: () => redis.stop(),
      startRedis: async () => {
        redis = await startPrivateRedis(port);
      },
    };
  }

  it('finishes while the blocking connection waits to reconnect after Redis came back', async () => {
    const { worker, jobs, blocking, stopRedis, startRedis } = await workerOnPrivateRedis();
    await stopRedis();
    // After a failed attempt with a long wait before the next one (the 6th: 1.5 s), Redis comes back
    // within that wait, so the close starts while the connection is between two attempts.
    const longWait = reconnectDelayMs(6);
    await new Promise<void>((resolve) => {
      const onReconnecting = (delay: number) => {
        if (delay < longWait) return;
        blocking.off('reconnecting', onReconnecting);
        resolve();
      };
      blocking.on('reconnecting', onReconnecting);
    });
    await startRedis();
    expect(blocking.status).toBe('reconnecting');
    const started = Date.now();
    await within(closeWorker(worker, jobs), 10_000, 'closeWorker()');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(blocking.status).toBe('end');
  });

  it('still lets the running job finish and record its result', async () => {
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const { worker, jobs, connection } = await workerOnPrivateRedis(async () => {
      await running;
      return 'finished';
    });
    const queue = new Queue('close-worker-spec', { connection });
    stops.push(() => queue.close());
    const job = await queue.add('slow', {});
    await waitUntil(
      () => job.getState(),
      (state) => state === 'active',
      { withinMs: 5_000, what: 'the job active' },
    );
    const closing = closeWorker(worker, jobs);
    setTimeout(release, 500);
    await within(closing, 10_000, 'closeWorker()');
    expect(await queue.getJob(job.id!).then((stored) => ({ state: stored?.finishedOn ? 'completed' : 'not finished', value: stored?.returnvalue }))).toEqual({
      state: 'completed',
      value: 'finished',
    });
  });

  it('lets go of a Redis that went away while the completion of a finished job was on the wire', async () => {
    const pausing: { client?: Redis } = {};
    let go!: () => void;
    const mayRun = new Promise<void>((resolve) => (go = resolve));
    let ran!: () => void;
    const jobRan = new Promise<void>((resolve) => (ran = resolve));
    const { worker, jobs, connection, port, stopRedis } = await workerOnPrivateRedis(async () => {
      await mayRun;
      // Redis leaves every later command of every client unanswered: the worker's move of this job to
      // completed is then on the wire when Redis goes away, and ioredis keeps it to send again.
      await pausing.client!.client('PAUSE', 60_000, 'ALL');
      ran();
      return 'done';
    });
    const pausingClient = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 0, retryStrategy: () => null });
    pausingClient.on('error', () => undefined);
    pausing.client = pausingClient;
    stops.push(async () => pausingClient.disconnect());
    const queue = new Queue('close-worker-spec', { connection });
    await queue.add('held', {});
    // Closed while Redis answers: a queue closed after Redis went away would wait for it as the worker did.
    await queue.close();
    go();
    await jobRan;
    const main = await worker.backend.client;
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stopRedis();
    await waitUntil(
      async () => main.status,
      (status) => status !== 'ready',
      { withinMs: 5_000, what: "the worker's connection to see Redis gone" },
    );
    const started = Date.now();
    await within(closeWorker(worker, jobs), 10_000, 'closeWorker()');
    expect(Date.now() - started).toBeLessThan(REDIS_AWAY_PATIENCE_MS + 3_000);
  });
});
