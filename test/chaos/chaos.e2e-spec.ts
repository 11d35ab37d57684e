import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { PrismaClient } from '../../src/generated/prisma/client';
import { PrismaPg } from '@prisma/adapter-pg';
import { createDockerClient } from '../../src/sandbox';
import { LABEL } from '../../src/sandbox/container-spec';
import { fixture, TestData } from '../support/fixtures';
import { freePort, startReceiver } from '../support/integrations';
import { startPrivateRedis } from '../support/private-redis';
import { kill, launch, type Proc } from '../support/processes';
import { startTcpProxy, viaProxy } from '../support/tcp-proxy';

/**
 * Chaos on a private stack: the compiled API and two workers as real processes, a Redis of the
 * spec's own (no persistence), and Postgres and the Docker engine behind proxies the spec cuts (the
 * real services are shared, so they are taken away rather than stopped). A burst of mixed
 * submissions with a webhook receiver goes through a worker killed with SIGKILL, the API killed
 * with SIGKILL during POSTs, Postgres gone, Redis restarted empty and the engine gone. Every 202
 * must end graded with the score of a quiet run, one result each, one delivered event each, no
 * container left behind, and no 500 (503s, answered while Postgres is gone, are retried by the
 * client with the same Idempotency-Key, as the API asks with Retry-After).
 *
 * CHAOS_OUTAGE_SECONDS sets how long each outage lasts (default 5; the long variant is 90).
 */
const OUTAGE_MS = Number(process.env.CHAOS_OUTAGE_SECONDS || 5) * 1000;
const BURST = 12;
jest.setTimeout(420_000 + 6 * OUTAGE_MS);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`chaos: a burst through worker and API kills, Postgres, Redis and Docker outages of ${OUTAGE_MS / 1000} s`, () => {
  const procs: Proc[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const proc of procs) await kill(proc);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('ends every accepted submission graded with its quiet score, once, with one delivered event, nothing left behind and no 500', async () => {
    // --- the stack ------------------------------------------------------------------------------
    const redisPort = await freePort();
    let redis = await startPrivateRedis(redisPort);
    cleanups.push(() => redis.stop());
    const direct = new URL(process.env.DATABASE_URL!);
    const pg = await startTcpProxy(Number(direct.port || 5432));
    cleanups.push(() => pg.close());
    const socket = join(tmpdir(), `memgrade-chaos-docker-${process.pid}.sock`);
    const engine = await startTcpProxy({ path: '/var/run/docker.sock' }, undefined, socket);
    cleanups.push(() => engine.close());
    const apiPort = await freePort();
    const env = {
      REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
      DATABASE_URL: viaProxy(process.env.DATABASE_URL!, pg.port),
      DOCKER_HOST: `unix://${socket}`,
      PORT: String(apiPort),
      PUBLISH_CATALOG: 'false',
      LOG_LEVEL: 'warn',
      WORKER_CONCURRENCY: '2',
      SANDBOX_REAP_INTERVAL_SECONDS: '2',
      // One student's burst: on a slow machine more than 5 wait at once, and the queued limit would replace them.
      SUBMISSION_MAX_QUEUED_PER_EXERCISE: '0',
    };
    const startApiProcess = async () => {
      const api = launch('main.js', env);
      procs.push(api);
      const deadline = Date.now() + 30_000;
      while (
        !(await fetch(`http://127.0.0.1:${apiPort}/health`).then(
          () => true,
          () => false,
        ))
      ) {
        if (Date.now() > deadline) throw new Error(`the API did not start: ${api.output.join('')}`);
        await sleep(100);
      }
      return api;
    };
    const startWorkerProcess = () => {
      const worker = launch('worker.js', env);
      procs.push(worker);
      return worker;
    };
    let api = await startApiProcess();
    let workerA = startWorkerProcess();
    startWorkerProcess();

    // --- data: direct to Postgres (not through the proxy) ---------------------------------------------
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL! }) });
    cleanups.push(() => prisma.$disconnect());
    const data = new TestData(prisma as never);
    const { course, instructor, student } = await data.newCourseWithPeople();
    const { slug } = await data.newExercise(course.id, 'imports');
    const receiver = await startReceiver(() => 200);
    cleanups.push(() => receiver.close());

    // --- a client that retries as the API asks -------------------------------------------------------
    const statuses = new Map<number, number>();
    let connectionErrors = 0;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many routes, read field by field below
    const call = async (method: string, path: string, key: string, body?: unknown, idempotencyKey?: string): Promise<{ status: number; body: any }> => {
      const deadline = Date.now() + 180_000 + 4 * OUTAGE_MS;
      for (;;) {
        try {
          const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
            method,
            headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}) },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(10_000),
          });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const text = await response.text();
          if (response.status !== 503 && response.status !== 429) return { status: response.status, body: text ? JSON.parse(text) : null };
          await sleep(Math.min(Number(response.headers.get('retry-after') ?? 1), 1) * 1000);
        } catch {
          connectionErrors++;
          await sleep(250);
        }
        if (Date.now() > deadline) throw new Error(`${method} ${path} got no answer`);
      }
    };
    const hook = await call('POST', `/api/v1/courses/${course.slug}/webhooks`, instructor.key, { url: `${receiver.url}/chaos` });
    expect(hook.status).toBe(201);

    const sources = { clean: fixture('submissions/prints-total.py'), raises: fixture('submissions/raises-at-import.py') };
    const submit = async (kind: keyof typeof sources) => {
      const response = await call('POST', '/api/v1/submissions', student.key, { exercise: `${course.slug}/${slug}`, files: { 'solution.py': sources[kind] } }, randomUUID());
      // A refusal says what the API answered and logged, so a 500 under chaos can be placed.
      if (response.status !== 202)
        throw new Error(`POST /submissions answered ${response.status} ${JSON.stringify(response.body)}; the API's last output: ${api.output.join('').slice(-4000)}`);
      return response.body.id as string;
    };
    const finished = async (id: string, withinMs: number) => {
      const deadline = Date.now() + withinMs;
      for (;;) {
        const { status, body } = await call('GET', `/api/v1/submissions/${id}`, student.key);
        if (status === 200 && (body.status === 'graded' || body.status === 'error')) return body;
        if (Date.now() > deadline) throw new Error(`submission ${id} still ${body?.status}`);
        await sleep(500);
      }
    };

    // --- quiet runs: the scores to expect ------------------------------------------------------------
    const quiet = {
      clean: await finished(await submit('clean'), 60_000),
      raises: await finished(await submit('raises'), 60_000),
    };
    expect(quiet.clean).toMatchObject({ status: 'graded', score: 1 });
    expect(quiet.raises).toMatchObject({ status: 'graded', score: 0 });

    // --- the burst, with faults ----------------------------------------------------------------------
    const kinds: (keyof typeof sources)[] = Array.from({ length: BURST }, (_, i) => (i % 3 === 2 ? 'raises' : 'clean'));
    const accepted: { id: string; kind: keyof typeof sources }[] = [];
    const burst = (async () => {
      for (const kind of kinds) {
        accepted.push({ id: await submit(kind), kind });
        await sleep(400);
      }
    })();
    const faults = (async () => {
      await sleep(800);
      await kill(workerA); // SIGKILL mid-run
      workerA = startWorkerProcess();
      await sleep(1_000);
      await kill(api); // SIGKILL during POSTs
      api = await startApiProcess();
      await sleep(500);
      await pg.cut();
      await sleep(OUTAGE_MS);
      await pg.restore();
      await sleep(1_000);
      await redis.stop(); // restarted without persistence: the queues are gone
      await sleep(Math.min(OUTAGE_MS, 5_000));
      redis = await startPrivateRedis(redisPort);
      await sleep(1_000);
      await engine.cut();
      await sleep(OUTAGE_MS);
      await engine.restore();
    })();
    await Promise.all([burst, faults]);

    // --- every 202 ends graded, as in the quiet run, once ---------------------------------------------
    const started = Date.now();
    const results = [];
    for (const { id, kind } of accepted) {
      const body = await finished(id, 240_000);
      results.push({ kind, body });
    }
    const settledMs = Date.now() - started;
    const wrong = results.filter(({ kind, body }) => body.status !== 'graded' || body.score !== quiet[kind].score || body.verdict !== quiet[kind].verdict);
    const resultRows = await prisma.gradingResult.groupBy({ by: ['submissionId'], where: { submissionId: { in: accepted.map((a) => a.id) } }, _count: true });
    const duplicated = resultRows.filter((row) => row._count !== 1);
    const attempts = await prisma.submission.findMany({ where: { id: { in: accepted.map((a) => a.id) } }, select: { attempts: true } });

    // --- one delivered event each -----------------------------------------------------------------------
    const deliveredFor = async () =>
      prisma.webhookDelivery.findMany({
        where: { submissionId: { in: accepted.map((a) => a.id) }, endpointId: hook.body.id },
        select: { submissionId: true, status: true, id: true },
      });
    const deadline = Date.now() + 150_000;
    let deliveries = await deliveredFor();
    while (deliveries.filter((d) => d.status === 'delivered').length < accepted.length && Date.now() < deadline) {
      await sleep(1_000);
      deliveries = await deliveredFor();
    }
    const perSubmission = new Map<string, number>();
    for (const delivery of deliveries) perSubmission.set(delivery.submissionId!, (perSubmission.get(delivery.submissionId!) ?? 0) + 1);
    const receivedIds = new Set(receiver.received.filter((r) => r.path === '/chaos').map((r) => r.headers['memgrade-delivery']));

    // --- nothing left behind ----------------------------------------------------------------------------
    const docker = createDockerClient(process.env.DOCKER_HOST);
    const ours = new Set(procs.map((p) => String(p.child.pid)));
    let left: unknown[];
    // A container whose removal failed while the engine was gone is its worker's to reap once it is
    // older than ORPHAN_GRACE_SECONDS (60 s): the grace that protects a container being created.
    // A live worker's warm pool (SANDBOX_GRADING_POOL_SIZE, on by default) is its own, not left
    // behind: the worker removes it when it stops, and a worker started later reaps what a stopped
    // or killed one could not remove (both checked after this).
    const running = (proc: Proc) => proc.child.exitCode === null && proc.child.signalCode === null;
    const oursOf = async () => (await docker.listContainers({ all: true, filters: { label: [`${LABEL.sandbox}=1`] } })).filter((c) => ours.has(c.Labels[LABEL.pid]));
    const reapStarted = Date.now();
    const containersDeadline = reapStarted + 120_000;
    do {
      const live = new Set(procs.filter(running).map((p) => String(p.child.pid)));
      left = (await oursOf()).filter((c) => !(c.Labels[LABEL.pooled] === '1' && live.has(c.Labels[LABEL.pid])));
      if (left.length) await sleep(500);
    } while (left.length && Date.now() < containersDeadline);
    const containersGoneMs = Date.now() - reapStarted;
    const workers = procs.filter((p) => running(p) && p !== api);
    for (const worker of workers) await kill(worker, 'SIGTERM');
    startWorkerProcess(); // its containers are not in `ours`
    let leftAfterStop = await oursOf();
    for (const stopDeadline = Date.now() + 60_000; leftAfterStop.length && Date.now() < stopDeadline;) {
      await sleep(500);
      leftAfterStop = await oursOf();
    }

    const figures = {
      outageSeconds: OUTAGE_MS / 1000,
      accepted: accepted.length,
      lost: accepted.length - results.length,
      wrong: wrong.length,
      duplicated: duplicated.length,
      attempts: attempts.map((a) => a.attempts).sort(),
      deliveriesDelivered: deliveries.filter((d) => d.status === 'delivered').length,
      distinctDeliveryIdsReceived: receivedIds.size,
      containersLeft: left.length,
      containersGoneAfterMs: containersGoneMs,
      http: Object.fromEntries(statuses),
      connectionErrors,
      settledAfterFaultsMs: settledMs,
    };
    process.stdout.write(`chaos figures: ${JSON.stringify(figures)}\n`);

    expect(figures.lost).toBe(0);
    expect(wrong.map((w) => w.body)).toEqual([]);
    expect(duplicated).toEqual([]);
    expect([...perSubmission.values()]).toEqual(Array(accepted.length).fill(1));
    expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
    expect(receivedIds.size).toBe(accepted.length + 2); // the burst and the two quiet runs
    expect(left).toEqual([]);
    expect(leftAfterStop).toEqual([]);
    expect(statuses.get(500) ?? 0).toBe(0);
    expect([...statuses.keys()].filter((status) => status >= 500 && status !== 503)).toEqual([]);
  });
});
