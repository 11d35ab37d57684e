// API throughput: GET /api/v1/submissions/{id} and POST /api/v1/submissions against /health,
// measured in the same run on the same API process (autocannon from this process; the API runs as
// `node dist/main.js` in a child, as in production, on its own database memgrade_bench and Redis
// database nobody else uses (1–12), both emptied first; no worker, so POSTed submissions stay queued).
// Run: npm run bench:api   (DURATION=10 seconds per route, CONNECTIONS=20, STUDENTS=200, RATE=1000 requests/s of the
// fixed-rate GET; BENCH_LOG_LEVEL=info, the default level, logs every request as production does; any other
// variable, e.g. SUBMISSION_MAX_QUEUED_PER_EXERCISE=0 or API_PROCESSES, passes through to the API; BENCH_CPU_PROF=dir
// profiles the API)
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
// autocannon ships no types; the part used here is typed below.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/config.loader';
import { applyMigrations } from '../src/database/migrator';
import { PrismaService } from '../src/database/prisma.service';
import { recreateDatabase, dropDatabase } from '../test/setup/databases';
import { TestData } from '../test/support/fixtures';
import { treeCpuMs, treeRssMiB, unusedRedisDatabase, waitForHealth } from './bench-stack';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
  cpuMsPerRequest?: number;
}

const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const STUDENTS = Number(process.env.STUDENTS ?? 200);
const RATE = Number(process.env.RATE ?? 1000);
const PORT = Number(process.env.BENCH_PORT ?? 3917);
const ROOT = resolve(__dirname, '../../..');

const base = new URL(process.env.DATABASE_URL || 'postgresql://memgrade:memgrade@127.0.0.1:5432/memgrade');
base.pathname = `/${base.pathname.slice(1) || 'memgrade'}_bench`;
const DATABASE_URL = base.toString();
const REDIS_BASE = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

interface Measured {
  label: string;
  results: [string, AutocannonResult][];
  queued: number;
  rssBefore: number;
  rssAfter: number;
  transactionsPerPost: number;
}

/** The whole measurement on a fresh database and Redis database, against the API started from `entry`. */
async function measure(label: string, entry: string): Promise<Measured> {
  await recreateDatabase(DATABASE_URL);
  await applyMigrations(DATABASE_URL, resolve(ROOT, 'prisma/migrations'));
  const REDIS_URL = await unusedRedisDatabase(REDIS_BASE);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();

  const config = loadConfig({ ...process.env, DATABASE_URL, REDIS_URL });
  const prisma = new PrismaService({ values: config });
  const data = new TestData(prisma);
  const course = await data.newCourse('bench');
  const { slug, version } = await data.newExercise(course.id, resolve(ROOT, 'test/fixtures/exercises/imports'));
  const exercise = `${course.slug}/${slug}`;
  const students: { id: string; key: string }[] = [];
  for (let i = 0; i < STUDENTS; i++) {
    const student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    students.push(student);
  }
  // A graded submission with a stored result, as a student reads it after grading.
  const owner = students[0];
  const graded = await prisma.submission.create({
    data: {
      exerciseVersionId: version.id,
      userId: owner.id,
      files: { 'solution.py': 'print(1)\n' },
      maxScore: 1,
      status: 'graded',
      verdict: 'ok',
      score: 1,
      durationMs: 1200,
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  await prisma.gradingResult.create({
    data: {
      submissionId: graded.id,
      run: 1,
      verdict: 'ok',
      score: 1,
      maxScore: 1,
      exitCode: 0,
      wallMs: 1100,
      stdout: '',
      stderr: '',
      flags: [],
      report: {},
      tests: {
        create: [
          { position: 0, name: 'solution.py imports without an error', score: 1, maxScore: 1, passed: true, message: 'imported', hidden: false, measurements: { duration_ms: 40 } },
        ],
      },
    },
  });
  await prisma.$disconnect();

  // BENCH_CPU_PROF=<dir>: the API writes a V8 CPU profile there when it exits (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const api = spawn(process.execPath, [...profile, entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL,
      REDIS_URL,
      PORT: String(PORT),
      PUBLISH_CATALOG: 'false',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      NODE_ENV: 'production',
      MEMGRADE_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
      // The per-key limit would answer 429 long before the API's own limit shows.
      SUBMISSION_RATE_LIMIT_PER_MINUTE: '100000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${PORT}`;
  try {
    await waitForHealth(`${url}/health`, 90_000);
    const rssBefore = await treeRssMiB(api.pid!);
    let next = 0;
    // autocannon takes the path from the URL (a `path` option is ignored, and every request would be GET /).
    // Each run also records the API's CPU time per request (cpuMsPerRequest): unlike req/s, it does not move with the machine's load.
    const run = async (title: string, path: string, options: Record<string, unknown> = {}) => {
      const cpuBefore = await treeCpuMs(api.pid!);
      const result = await autocannon({ url: `${url}${path}`, connections: CONNECTIONS, duration: DURATION, title, ...options });
      return { ...result, cpuMsPerRequest: ((await treeCpuMs(api.pid!)) - cpuBefore) / Math.max(1, result.requests.total) };
    };
    // Warm-up, not reported.
    await autocannon({ url: `${url}/api/v1/submissions/${graded.id}`, connections: CONNECTIONS, duration: 2, headers: { authorization: `Bearer ${owner.key}` } });
    const results: [string, AutocannonResult][] = [];
    results.push(['GET /health', await run('health', '/health')]);
    const get = { headers: { authorization: `Bearer ${owner.key}` } };
    results.push(['GET /api/v1/submissions/{id}', await run('get', `/api/v1/submissions/${graded.id}`, get)]);
    // The same at a fixed rate (the target is a p99 at RATE requests/s, not at saturation).
    results.push([`GET /api/v1/submissions/{id} @${RATE}/s`, await run('get-rate', `/api/v1/submissions/${graded.id}`, { ...get, overallRate: RATE })]);
    // Database transactions (each statement outside a transaction is one) per POST, from Postgres's own counters.
    const transactions = async () => {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      const { rows } = await client.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()');
      await client.end();
      return Number(rows[0].n);
    };
    const transactionsBefore = await transactions();
    results.push([
      'POST /api/v1/submissions',
      await run('post', '/api/v1/submissions', {
        requests: [
          {
            method: 'POST',
            path: '/api/v1/submissions',
            // Each request from the next student, so the queue sees a burst of many students.
            setupRequest: (request: Record<string, unknown>) => {
              const student = students[next++ % students.length];
              return {
                ...request,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${student.key}` },
                body: JSON.stringify({ exercise, files: { 'solution.py': `print(${next})\n` } }),
              };
            },
          },
        ],
      }),
    ]);
    // Postgres publishes its counters within a second of a transaction's end.
    await new Promise((r) => setTimeout(r, 1500));
    const posts = results[results.length - 1][1].requests.total;
    const transactionsPerPost = (await transactions()) - transactionsBefore - 1;
    const rssAfter = await treeRssMiB(api.pid!);
    const queued = await redis.zcard('memgrade:grading:prioritized');
    return { label, results, queued, rssBefore, rssAfter, transactionsPerPost: transactionsPerPost / Math.max(1, posts) };
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    await redis.flushdb();
    redis.disconnect();
    if (!process.env.KEEP_BENCH_DB) await dropDatabase(DATABASE_URL);
  }
}

/**
 * BASELINE_ENTRY=<path of another build's main.js> (e.g. one of main, compiled under .memgrade/)
 * measures that build and this one in turn, ROUNDS times each (default 2), and prints them side by
 * side: on a shared machine only an interleaved comparison means anything.
 */
async function main(): Promise<void> {
  const builds: [string, string][] = [];
  if (process.env.BASELINE_ENTRY) builds.push(['before', resolve(process.env.BASELINE_ENTRY)]);
  builds.push([process.env.BASELINE_ENTRY ? 'after' : 'this build', resolve(ROOT, 'dist/main.js')]);
  const rounds = process.env.BASELINE_ENTRY ? Number(process.env.ROUNDS ?? 2) : 1;
  const measured: Measured[] = [];
  for (let round = 0; round < rounds; round++) for (const [label, entry] of builds) measured.push(await measure(rounds > 1 ? `${label} #${round + 1}` : label, entry));

  const processes = process.env.API_PROCESSES ?? '1';
  console.log(
    `API throughput, ${DURATION} s per route, ${CONNECTIONS} connections, API_PROCESSES=${processes} (this build), no worker${builds.length > 1 ? `; before = ${builds[0][1]}` : ''}`,
  );
  console.log(
    `${'route'.padEnd(38)} ${'build'.padEnd(12)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'req/s ÷ health'.padStart(15)} ${'p99 ÷ health'.padStart(13)} ${'API CPU ms/req'.padStart(15)}`,
  );
  for (let i = 0; i < measured[0].results.length; i++) {
    for (const m of measured) {
      const [route, r] = m.results[i];
      const health = m.results[0][1];
      console.log(
        `${route.padEnd(38)} ${m.label.padEnd(12)} ${r.requests.average.toFixed(0).padStart(8)} ${String(r.latency.p50).padStart(8)} ${String(r.latency.p99).padStart(8)} ${String(r.non2xx + r.errors + r.timeouts).padStart(8)} ${(r.requests.average / health.requests.average).toFixed(2).padStart(15)} ${(r.latency.p99 / Math.max(1, health.latency.p99)).toFixed(2).padStart(13)} ${(r.cpuMsPerRequest ?? 0).toFixed(2).padStart(15)}`,
      );
    }
  }
  console.log('');
  for (const m of measured)
    console.log(
      `${m.label}: POSTs accepted and queued: ${m.queued} jobs in the grading queue; ${m.transactionsPerPost.toFixed(1)} database statements/transactions per POST; API RSS (all its processes) ${m.rssBefore} MiB before, ${m.rssAfter} MiB after`,
    );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
