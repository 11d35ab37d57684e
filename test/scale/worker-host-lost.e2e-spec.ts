import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import Docker from 'dockerode';
import { PrismaClient } from '../../src/generated/prisma/client';
import { LABEL } from '../../src/sandbox/container-spec';
import { fixture, TestData } from '../support/fixtures';
import { freePort } from '../support/integrations';
import { startPrivateRedis } from '../support/private-redis';
import { kill, launch, waitForListening, type Proc } from '../support/processes';

/**
 * Scale-out on the engine we already use: two workers, each on its own Docker engine (the main one
 * and a second dockerd with its own socket and data root, scripts/docker-engine.sh), sharing the
 * API, Redis and Postgres. Mid-burst the second host is lost — its worker SIGKILLed and its engine
 * killed with everything it ran — while it grades. Every accepted submission must still end graded
 * with the score of a quiet run and exactly one stored result; the one the lost host was grading is
 * taken over by the other worker once BullMQ sees its lock expire (stalled job, ≈ 30 s).
 */
const ENGINE = '3'; // engine 2 belongs to npm run bench:scale, which may run beside this spec
const BURST = 10;
const run = promisify(execFile);
const root = resolve(__dirname, '../..');
const engineScript = resolve(root, 'scripts/docker-engine.sh');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
jest.setTimeout(300_000);

describe('scale-out: two workers on two Docker engines', () => {
  const procs: Proc[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const proc of procs) await kill(proc);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('loses nothing when a worker host is lost mid-burst: every accepted submission graded once, with its quiet score', async () => {
    const { stdout } = await run('bash', [engineScript, 'up', ENGINE]);
    const secondHost = stdout.trim();
    expect(secondHost).toBe(`unix:///run/memgrade-docker-${ENGINE}.sock`);
    const secondEngine = new Docker({ socketPath: secondHost.slice('unix://'.length) });
    cleanups.push(async () => {
      // Bring the lost engine back only to clear what it held, then stop it (its image stays for the next run).
      await run('bash', [engineScript, 'up', ENGINE]);
      for (const c of await secondEngine.listContainers({ all: true, filters: { label: [`${LABEL.sandbox}=1`] } })) {
        await secondEngine
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined);
      }
      await run('bash', [engineScript, 'down', ENGINE]);
    });

    const redisPort = await freePort();
    const redis = await startPrivateRedis(redisPort);
    cleanups.push(() => redis.stop());
    const apiPort = await freePort();
    const env = {
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      PORT: String(apiPort),
      PUBLISH_CATALOG: 'false',
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '2',
      WORKER_METRICS_PORT: '0',
      SUBMISSION_MAX_QUEUED_PER_EXERCISE: '0',
      SUBMISSION_RATE_LIMIT_PER_MINUTE: '10000',
    };
    const api = launch('main.js', env);
    procs.push(api);
    await waitForListening(apiPort, api);
    const workerA = launch('worker.js', env); // the main engine (DOCKER_HOST of the suite, or the local socket)
    // The second worker makes each grading's container on the spot: the lost run is found by its
    // container's memgrade.submission label, which a pooled container (made ahead) cannot carry.
    const workerB = launch('worker.js', { ...env, DOCKER_HOST: secondHost, SANDBOX_GRADING_POOL_SIZE: '0' });
    procs.push(workerA, workerB);

    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });
    cleanups.push(() => prisma.$disconnect());
    const data = new TestData(prisma as never);
    const { course, student } = await data.newCourseWithPeople();
    const { slug } = await data.newExercise(course.id, 'imports');
    const base = `http://127.0.0.1:${apiPort}/api/v1`;
    const headers = { Authorization: `Bearer ${student.key}`, 'Content-Type': 'application/json' };
    const submit = async (source: string) => {
      const response = await fetch(`${base}/submissions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ exercise: `${course.slug}/${slug}`, files: { 'solution.py': source } }),
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { id: string }).id;
    };
    const ended = async (ids: string[], withinMs: number) => {
      const deadline = Date.now() + withinMs;
      for (;;) {
        const rows = await prisma.submission.findMany({ where: { id: { in: ids } } });
        if (rows.length === ids.length && rows.every((r) => r.status === 'graded' || r.status === 'error')) return rows;
        if (Date.now() > deadline)
          throw new Error(
            `not ended: ${rows
              .filter((r) => r.status !== 'graded' && r.status !== 'error')
              .map((r) => `${r.id} ${r.status}`)
              .join(', ')}`,
          );
        await sleep(250);
      }
    };
    const healthWorkers = async () =>
      ((await (await fetch(`http://127.0.0.1:${apiPort}/health`)).json()) as { checks: { docker: { workers?: number; workersWithDocker?: number } } }).checks.docker;
    for (const deadline = Date.now() + 60_000; (await healthWorkers()).workersWithDocker !== 2; await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`two workers with Docker did not report: ${workerA.output.join('')}\n${workerB.output.join('')}`);
    }

    // Quiet runs: the score to expect, graded wherever.
    const source = fixture('submissions/sleeps-at-import.py');
    const [quiet] = await ended([await submit(source)], 90_000);
    expect(quiet).toMatchObject({ status: 'graded', score: 1 });

    // The burst; the second host is lost while it grades one of it.
    const accepted = await Promise.all(Array.from({ length: BURST }, () => submit(source)));
    let lostMidRun: string | undefined;
    for (const deadline = Date.now() + 60_000; !lostMidRun; await sleep(50)) {
      const running = await secondEngine.listContainers({ filters: { label: [`${LABEL.sandbox}=1`, 'memgrade.submission'] } });
      lostMidRun = running.map((c) => c.Labels['memgrade.submission']).find((id) => accepted.includes(id));
      if (Date.now() > deadline) throw new Error(`the second worker never graded a submission of the burst: ${workerB.output.join('')}`);
    }
    await kill(workerB);
    await run('bash', [engineScript, 'kill', ENGINE]);
    await expect(secondEngine.ping()).rejects.toThrow();
    const atLoss = await prisma.submission.findUniqueOrThrow({ where: { id: lostMidRun } });
    expect(atLoss.status).toBe('running');

    // --- every accepted submission ends graded, as in the quiet run, with one stored result ---------
    const rows = await ended(accepted, 180_000);
    expect(rows.map((r) => [r.status, r.verdict, r.score])).toEqual(Array(BURST).fill(['graded', quiet.verdict, quiet.score]));
    const results = await prisma.gradingResult.groupBy({ by: ['submissionId'], where: { submissionId: { in: accepted } }, _count: true });
    expect(results.map((r) => r._count)).toEqual(Array(BURST).fill(1));
    const tests = await prisma.testResult.count({ where: { gradingResult: { submissionId: { in: accepted } } } });
    expect(tests).toBe(BURST); // the exercise has one test: no half-stored or doubled run
    // The submission the lost host held was started again elsewhere: its attempt was counted twice, its result once.
    const takenOver = rows.find((r) => r.id === lostMidRun)!;
    expect(takenOver.attempts).toBeGreaterThanOrEqual(2);
    expect(workerA.child.exitCode).toBeNull();
  });
});
