// The catalog's references graded many times under load: every run must earn full marks (the
// judge's budgets and time limits hold when the machine is busy, not only when it is idle).
// Run: npm run bench:soak (RUNS=1000 gradings in all, spread round-robin over the catalog;
// CONCURRENCY=4 gradings at once; LOAD_PROCESSES=N extra busy-looping processes beside them;
// EXERCISES=a,b to choose). Prints passes per exercise, the wall time of each, every run that lost
// a point (test, verdict, message), and the load average seen during the run.
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../src/config/config.loader';
import { loadExerciseFolder } from '../src/exercises/format/exercise-folder';
import { HarnessGrader } from '../src/grading/harness.grader';
import { createDockerClient } from '../src/sandbox/docker-client';
import { SandboxService } from '../src/sandbox/sandbox.service';
import { referenceGradeInput } from './reference-input';

if (process.argv[2] === '--burn') {
  // A load process: spin until the parent goes away.
  const stop = Date.now() + 6 * 3600_000;
  for (;;) if (Date.now() > stop) process.exit(0);
}

const RUNS = Number(process.env.RUNS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const LOAD_PROCESSES = Number(process.env.LOAD_PROCESSES ?? 0);
const CATALOG_DIR = resolve('exercises');
const config = loadConfig({ DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', REDIS_URL: 'redis://127.0.0.1', ...process.env });
const sandbox = new SandboxService(createDockerClient(config.DOCKER_HOST), { values: config }, { poolSize: 0 });
const grader = new HarnessGrader(sandbox);
const chosen = process.env.EXERCISES?.split(',');
const slugs = readdirSync(CATALOG_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('.') && (!chosen || chosen.includes(e.name)))
  .map((e) => e.name)
  .sort();

interface Tally {
  runs: number;
  full: number;
  wallsMs: number[];
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function main(): Promise<void> {
  await sandbox.ping();
  const exercises = new Map(slugs.map((slug) => [slug, loadExerciseFolder(`${CATALOG_DIR}/${slug}`)]));
  const tallies = new Map<string, Tally>(slugs.map((slug) => [slug, { runs: 0, full: 0, wallsMs: [] }]));
  const losses: string[] = [];
  const burners: ChildProcess[] = Array.from({ length: LOAD_PROCESSES }, () => fork(__filename, ['--burn'], { stdio: 'ignore' }));
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(loadavg()[0]), 5000);
  const started = performance.now();
  let next = 0;
  let done = 0;

  async function lane(): Promise<void> {
    for (;;) {
      const run = next++;
      if (run >= RUNS) return;
      const slug = slugs[run % slugs.length];
      const input = referenceGradeInput(exercises.get(slug)!, slug, `soak-${slug}-${run}`);
      const tally = tallies.get(slug)!;
      const t0 = performance.now();
      try {
        const outcome = await grader.grade(input);
        tally.wallsMs.push(performance.now() - t0);
        const lost = outcome.tests.filter((t) => !t.passed || t.score < t.maxScore);
        if (lost.length === 0) tally.full++;
        for (const t of lost) {
          losses.push(`${slug} run ${run}: ${t.name} (${outcome.verdict}) ${t.message.split('\n')[0]}`);
          console.error(`soak: lost ${losses.at(-1)}`);
        }
      } catch (error) {
        losses.push(`${slug} run ${run}: grader error ${(error as Error).message}`);
        console.error(`soak: lost ${losses.at(-1)}`);
      }
      tally.runs++;
      done++;
      if (done % 50 === 0) console.error(`soak: ${done}/${RUNS} graded, ${losses.length} lost a point, load ${loadavg()[0].toFixed(1)}`);
    }
  }

  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => lane()));
  } finally {
    clearInterval(sampler);
    for (const burner of burners) burner.kill('SIGKILL');
  }
  const minutes = (performance.now() - started) / 60_000;
  const totalFull = [...tallies.values()].reduce((n, t) => n + t.full, 0);
  console.log(
    `references graded ${RUNS} times, ${CONCURRENCY} at once, ${LOAD_PROCESSES} busy processes beside them, ${cpus().length} cores, ` +
      `${minutes.toFixed(1)} min; load average (1 min) median ${percentile(loads, 0.5)?.toFixed(1) ?? '–'}, max ${Math.max(0, ...loads).toFixed(1)}`,
  );
  console.log(`${'exercise'.padEnd(24)} full/runs   p50 s   p95 s   max s`);
  for (const [slug, t] of tallies) {
    const s = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(2).padStart(6);
    console.log(`${slug.padEnd(24)} ${`${t.full}/${t.runs}`.padStart(9)}  ${s(percentile(t.wallsMs, 0.5))}  ${s(percentile(t.wallsMs, 0.95))}  ${s(Math.max(0, ...t.wallsMs))}`);
  }
  console.log(`all: ${totalFull}/${RUNS} runs with full marks`);
  for (const loss of losses) console.log(`  lost: ${loss}`);
  await sandbox.onModuleDestroy();
  process.exit(totalFull === RUNS ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
