// The platform's share of a grading: submit → job picked → container → result stored → event sent,
// minus the harness's own time (the result document's duration_ms, stored as report.harnessMs),
// measured through the compiled API and one worker (processes, as in production) on a database and
// Redis database of the bench's own. One submission at a time; "event" is the `graded` status event
// arriving on GET /submissions/{id}/events, opened right after the POST.
import { resolve } from 'node:path';
import { loadExerciseFolder } from '../src/exercises/format/exercise-folder';
import { solutionFiles } from '../src/grading/exercise-validation';
import { kill, launch, type Proc } from '../test/support/processes';
import { benchStackEnv, freshBenchStack, waitForHealth } from './bench-stack';
import { median } from './stats';

export interface ShareRow {
  slug: string;
  /** p50s in ms. */
  endToEnd: number;
  harness: number;
  share: number;
  accept: number;
  queue: number;
  sandbox: number;
  event: number;
}

const ROOT = resolve(__dirname, '../../..');
const PORT = Number(process.env.BENCH_PORT ?? 3919);

/** Reads the SSE stream until a `status` event says graded or error; resolves with its arrival time. */
async function finalEventAt(url: string, key: string): Promise<number> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } });
  if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    if (/"status":"(graded|error)"/.test(buffered)) {
      const at = Date.now();
      void response.body.cancel().catch(() => undefined);
      return at;
    }
  }
  throw new Error('the event stream ended without a final status');
}

/**
 * `dist` is the build whose main.js and worker.js run (default this tree's dist/; another, e.g. a
 * baseline, by absolute path); `overrides` are variables for both processes (e.g. SANDBOX_GRADING_POOL_SIZE).
 */
export async function measurePlatformShare(
  catalogDir: string,
  slugs: string[],
  runs: number,
  dist = resolve(ROOT, 'dist'),
  overrides: Record<string, string> = {},
): Promise<{ rows: ShareRow[]; settings: string }> {
  const stack = await freshBenchStack('bench_grading');
  const { DATABASE_URL, REDIS_URL, prisma, data } = stack;
  const course = await data.newCourse('bench-grading');
  const student = await data.newUser('student');
  await data.enrol(course.id, student.id, 'student');

  const env: Record<string, string> = {
    ...benchStackEnv(DATABASE_URL, REDIS_URL, PORT),
    // One at a time, so neither priorities nor the queued limit come in.
    SUBMISSION_MAX_QUEUED_PER_EXERCISE: '0',
    ...overrides,
  };
  const pool = env.SANDBOX_GRADING_POOL_SIZE ?? process.env.SANDBOX_GRADING_POOL_SIZE;
  const settings = `WORKER_CONCURRENCY=${process.env.WORKER_CONCURRENCY ?? '2 (default)'}, SANDBOX_GRADING_POOL_SIZE=${pool ?? "the build's default"}`;
  const url = `http://127.0.0.1:${PORT}`;
  const procs: Proc[] = [launch(resolve(dist, 'main.js'), env)];
  const rows: ShareRow[] = [];
  try {
    const output = () => procs.map((p) => p.output.join('').slice(-2000)).join('\n');
    await waitForHealth(`${url}/health`, 120_000).catch((error: Error) => Promise.reject(new Error(`${error.message}: ${output()}`)));
    procs.push(launch(resolve(dist, 'worker.js'), env));
    await waitForHealth(`${url}/health`, 120_000, (body) => (body as { checks: { docker: { workers?: number } } }).checks.docker.workers === 1).catch((error: Error) =>
      Promise.reject(new Error(`${error.message}: ${output()}`)),
    );
    for (const slug of slugs) {
      const folder = resolve(catalogDir, slug);
      const stored = await data.newExercise(course.id, folder);
      const { spec, files } = loadExerciseFolder(folder);
      const studentFiles = solutionFiles(spec, files, 'reference');
      const samples: Omit<ShareRow, 'slug'>[] = [];
      // One warm-up run per exercise (not counted): the first grading of an image on a fresh worker pays for caches.
      for (let i = 0; i <= runs; i++) {
        const submitted = Date.now();
        const response = await fetch(`${url}/api/v1/submissions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${student.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ exercise: `${course.slug}/${stored.slug}`, files: studentFiles }),
        });
        const accepted = Date.now();
        if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
        const { id } = (await response.json()) as { id: string };
        const eventAt = await finalEventAt(`${url}/api/v1/submissions/${id}/events`, student.key);
        const row = await prisma.submission.findUniqueOrThrow({ where: { id }, include: { results: { orderBy: { run: 'desc' }, take: 1 } } });
        const harnessMs = Number((row.results[0]?.report as { harnessMs?: number } | null)?.harnessMs ?? 0);
        const endToEnd = eventAt - submitted;
        if (i === 0) continue;
        samples.push({
          endToEnd,
          harness: harnessMs,
          share: endToEnd - harnessMs,
          accept: accepted - submitted,
          queue: row.startedAt!.getTime() - row.createdAt.getTime(),
          sandbox: (row.durationMs ?? 0) - harnessMs,
          event: eventAt - row.finishedAt!.getTime(),
        });
      }
      const p50 = (key: keyof Omit<ShareRow, 'slug'>) => median(samples.map((s) => s[key]));
      rows.push({
        slug,
        endToEnd: p50('endToEnd'),
        harness: p50('harness'),
        share: p50('share'),
        accept: p50('accept'),
        queue: p50('queue'),
        sandbox: p50('sandbox'),
        event: p50('event'),
      });
    }
  } finally {
    for (const proc of procs.reverse()) await kill(proc, 'SIGTERM');
    await stack.close();
  }
  return { rows, settings };
}
