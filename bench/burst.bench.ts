// A deadline-night burst: BURST submissions (default 10,000) from STUDENTS students (default 2,000, so
// BURST/STUDENTS resubmissions each) POSTed as fast as CLIENTS concurrent clients can, while the
// workers grade; then every accepted submission followed to its end. The API and WORKERS workers
// (default 1) run as compiled processes, as in production, on their own database and Redis database.
// Prints: the accept phase (POSTs per second, latency p50/p99, answers by status), the grading phase
// (time to the last graded, gradings per minute), what every accepted submission ended as (nothing
// lost: each one graded or error with a stored result, no job left in the queue), and the API's and
// workers' resident memory before the burst, at its highest and after it.
// Run: npm run bench:burst   (BURST=10000 STUDENTS=2000 CLIENTS=50 WORKERS=1; EXERCISE=<folder>,
// default the one-test fixture test/fixtures/exercises/imports, since the subject is the platform,
// not a grader; any other variable, e.g. WORKER_CONCURRENCY or API_PROCESSES, passes through)
import { resolve } from 'node:path';
import type { PrismaService } from '../src/database/prisma.service';
import { loadExerciseFolder } from '../src/exercises/format/exercise-folder';
import { solutionFiles } from '../src/grading/exercise-validation';
import { kill, launch, type Proc } from '../test/support/processes';
import { benchStackEnv, freshBenchStack, rssMiB, treeRssMiB, waitForHealth } from './bench-stack';
import { quantile } from './stats';

const BURST = Number(process.env.BURST ?? 10_000);
const STUDENTS = Number(process.env.STUDENTS ?? 2_000);
const CLIENTS = Number(process.env.CLIENTS ?? 50);
const WORKERS = Number(process.env.WORKERS ?? 1);
const PORT = Number(process.env.BENCH_PORT ?? 3919);
const ROOT = resolve(__dirname, '../../..');
const EXERCISE = resolve(ROOT, process.env.EXERCISE ?? 'test/fixtures/exercises/imports');
/** How long the grading phase may take before the bench gives up and reports what did not end. */
const GRADING_LIMIT_MS = Number(process.env.GRADING_LIMIT_MINUTES ?? 180) * 60_000;

interface Memory {
  api: number;
  workers: number[];
}

async function main(): Promise<void> {
  if (!(BURST > 0 && STUDENTS > 0 && CLIENTS > 0 && WORKERS > 0)) throw new Error('BURST, STUDENTS, CLIENTS and WORKERS must be positive');
  const stack = await freshBenchStack('bench_burst');
  const { DATABASE_URL, REDIS_URL, redis, prisma, data } = stack;

  const course = await data.newCourse('bench-burst');
  const stored = await data.newExercise(course.id, EXERCISE);
  const exercise = `${course.slug}/${stored.slug}`;
  const { spec, files: folderFiles } = loadExerciseFolder(EXERCISE);
  const files = solutionFiles(spec, folderFiles, 'reference');
  const students: string[] = [];
  for (let i = 0; i < STUDENTS; i++) {
    const student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    students.push(student.key);
  }

  const env = benchStackEnv(DATABASE_URL, REDIS_URL, PORT);
  const url = `http://127.0.0.1:${PORT}`;
  const api = launch('main.js', env);
  const workers: Proc[] = [];
  const memory = async (): Promise<Memory> => ({ api: await treeRssMiB(api.child.pid!), workers: await Promise.all(workers.map((w) => rssMiB(w.child.pid!))) });
  try {
    await waitForHealth(`${url}/health`, 60_000);
    for (let i = 0; i < WORKERS; i++) workers.push(launch('worker.js', env));
    await waitForHealth(`${url}/health`, 60_000, (body) => ((body as { checks?: { docker?: { workers?: number } } }).checks?.docker?.workers ?? 0) >= WORKERS);
    // One submission graded first, so "before" is the memory of a platform that has done its first work.
    await submitAll(url, exercise, files, students.slice(0, 1), 1, 1);
    await waitAllEnded(prisma, 1, 120_000);
    const before = await memory();

    // The burst: every student's first submission, then their second, … (deadline night: everyone
    // submits, then resubmits), as fast as the clients can.
    let highest = before;
    const sampler = setInterval(() => {
      void memory().then((now) => {
        highest = { api: Math.max(highest.api, now.api), workers: now.workers.map((rss, i) => Math.max(highest.workers[i] ?? 0, rss)) };
      });
    }, 2_000);
    const started = performance.now();
    const accept = await submitAll(url, exercise, files, students, BURST, CLIENTS);
    const acceptSeconds = (performance.now() - started) / 1000;
    console.log(`accepted ${accept.accepted.length} of ${BURST} in ${acceptSeconds.toFixed(1)} s; grading …`);
    const progress = setInterval(() => {
      void prisma.submission
        .count({ where: { status: { in: ['graded', 'error'] } } })
        .then((ended) => console.log(`  ${Math.round((performance.now() - started) / 1000)} s: ${ended - 1} of ${accept.accepted.length} ended`));
    }, 60_000);
    const ended = await waitAllEnded(prisma, accept.accepted.length + 1, GRADING_LIMIT_MS).finally(() => clearInterval(progress));
    const gradingSeconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    // Memory once the platform is quiet again: a leak stays, a burst's working set goes.
    await new Promise((r) => setTimeout(r, 10_000));
    const after = await memory();

    const outcome = await prisma.$queryRaw<{ status: string; verdict: string | null; full: boolean; with_result: boolean; n: bigint }[]>`
      SELECT s.status::text, s.verdict::text, s.score = s.max_score AS full,
             EXISTS (SELECT 1 FROM grading_results r WHERE r.submission_id = s.id) AS with_result, count(*) AS n
        FROM submissions s GROUP BY 1, 2, 3, 4 ORDER BY n DESC`;
    const queue = {
      left:
        (await redis.llen('memgrade:grading:wait')) +
        (await redis.llen('memgrade:grading:active')) +
        (await redis.zcard('memgrade:grading:prioritized')) +
        (await redis.zcard('memgrade:grading:delayed')),
      failed: await redis.zcard('memgrade:grading:failed'),
    };

    const mib = (m: Memory) => `API ${m.api} MiB, worker${m.workers.length > 1 ? 's' : ''} ${m.workers.join(' + ')} MiB`;
    console.log(
      `\nburst: ${BURST} submissions from ${STUDENTS} students (${(BURST / STUDENTS).toFixed(1)} each), ${CLIENTS} clients, ${WORKERS} worker(s), exercise ${stored.slug}`,
    );
    console.log(
      `accept: ${accept.accepted.length} accepted (202) in ${acceptSeconds.toFixed(1)} s = ${(accept.accepted.length / acceptSeconds).toFixed(0)}/s; latency p50 ${quantile(accept.latencies, 0.5).toFixed(0)} ms, p99 ${quantile(accept.latencies, 0.99).toFixed(0)} ms; answers ${JSON.stringify(accept.statuses)}`,
    );
    console.log(
      `grading: the last of them ended ${gradingSeconds.toFixed(0)} s after the first POST = ${((accept.accepted.length / gradingSeconds) * 60).toFixed(0)} gradings/min`,
    );
    console.log(`ended: ${ended} of ${accept.accepted.length + 1} (with the warm-up); by status, verdict, full marks, stored result:`);
    for (const row of outcome) console.log(`  ${row.status} ${row.verdict ?? '–'} full=${row.full} result=${row.with_result}: ${row.n}`);
    console.log(`grading queue after: ${queue.left} jobs waiting, delayed or active; ${queue.failed} failed`);
    console.log(`memory: before ${mib(before)}; highest ${mib(highest)}; after ${mib(after)}`);
  } finally {
    for (const proc of [...workers, api]) await kill(proc, 'SIGTERM');
    await stack.close();
  }
}

/** POSTs `count` submissions, round after round over the students, `clients` at a time. */
async function submitAll(url: string, exercise: string, files: Record<string, string>, students: string[], count: number, clients: number) {
  const accepted: string[] = [];
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const key = students[next++ % students.length];
        const sent = performance.now();
        const response = await fetch(`${url}/api/v1/submissions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ exercise, files }),
        });
        const body = (await response.json().catch(() => ({}))) as { id?: string };
        latencies.push(performance.now() - sent);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (response.status === 202 && body.id) accepted.push(body.id);
      }
    }),
  );
  return { accepted, latencies, statuses };
}

/** Waits until `count` submissions have ended (graded or error); returns how many did. */
async function waitAllEnded(prisma: PrismaService, count: number, withinMs: number): Promise<number> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const ended = await prisma.submission.count({ where: { status: { in: ['graded', 'error'] } } });
    if (ended >= count || Date.now() > deadline) return ended;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
