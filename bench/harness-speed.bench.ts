// Grading time of every catalog exercise's reference, side by side on two sandbox images (the
// baseline, e.g. main's, and this tree's), interleaved run by run so that the machine's load falls
// on both alike; then where the time goes in this tree's runs (the harness's `timings`).
// Run: npm run bench:harness (RUNS=5 per image and exercise; EXERCISES=a,b to choose;
// BASELINE_IMAGE=memgrade-sandbox:<tag> the image to compare with, default main's at the time of
// writing; BREAKDOWN=0 to skip the per-phase table).
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../src/config/config.loader';
import { loadExerciseFolder } from '../src/exercises/format/exercise-folder';
import type { GradeInput, GradeOutcome } from '../src/results/grade-outcome';
import { HarnessGrader } from '../src/grading/harness.grader';
import { createDockerClient } from '../src/sandbox/docker-client';
import { resolveSandboxImage } from '../src/sandbox/sandbox-image';
import { SandboxService } from '../src/sandbox/sandbox.service';
import { referenceGradeInput } from './reference-input';
import { median } from './stats';

const RUNS = Number(process.env.RUNS ?? 5);
const BASELINE_IMAGE = process.env.BASELINE_IMAGE ?? 'memgrade-sandbox:4c4ac265191be7ae';
const CATALOG_DIR = resolve('exercises');
const config = loadConfig({ DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', REDIS_URL: 'redis://127.0.0.1', ...process.env });
const docker = createDockerClient(config.DOCKER_HOST);
const currentImage = resolveSandboxImage(config.SANDBOX_IMAGE);
const sides = [
  { name: 'before', image: BASELINE_IMAGE },
  { name: 'after', image: currentImage },
].map((side) => {
  const sandbox = new SandboxService(docker, { values: config }, { poolSize: 0, gradingPoolSize: 0, image: side.image });
  return { ...side, sandbox, grader: new HarnessGrader(sandbox) };
});
const chosen = process.env.EXERCISES?.split(',');
const exercises = readdirSync(CATALOG_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('.') && (!chosen || chosen.includes(e.name)))
  .map((e) => e.name)
  .sort();

const s = (ms: number) => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '–').padStart(6);
const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–').padStart(6);

interface ProcessTiming {
  label: string;
  lane: string;
  wall_ms: number;
  startup_ms?: number;
  run_ms?: number;
  preload_ms?: number;
  student_import_ms?: number;
}
type Timings = Record<string, number | null | undefined> & { processes?: ProcessTiming[] };

interface Sample {
  wallMs: number;
  harnessMs: number;
  full: boolean;
  score: number;
  timings: Timings | null;
}

async function gradeOnce(grader: HarnessGrader, input: GradeInput): Promise<Sample> {
  const started = performance.now();
  const outcome: GradeOutcome = await grader.grade(input);
  const wallMs = performance.now() - started;
  for (const t of outcome.tests.filter((x) => !x.passed)) {
    console.error(`  ${input.exerciseSlug}: not passed: ${t.name}: ${String(t.measurements?.status ?? '')} ${t.message.slice(0, 300)}`);
  }
  return {
    wallMs,
    harnessMs: Number(outcome.report.harnessMs ?? NaN),
    full: outcome.tests.every((t) => t.passed),
    score: outcome.tests.reduce((sum, t) => sum + t.score, 0),
    timings: (outcome.report.harnessTimings as Timings | undefined) ?? null,
  };
}

/** The per-phase medians of one exercise's runs (this tree's image). */
function breakdown(samples: Sample[]): string {
  const t = samples.map((x) => x.timings).filter((x): x is Timings => x !== null);
  if (!t.length) return '(no timings in the result: the image predates them)';
  const m = (f: (x: Timings) => number | undefined) => median(t.map(f).filter((v): v is number => typeof v === 'number'));
  const procs = (x: Timings, lane: string, prefix: string) => (x.processes ?? []).filter((p) => p.lane === lane && p.label.startsWith(prefix));
  const sum = (ps: ProcessTiming[], f: (p: ProcessTiming) => number | undefined) => ps.reduce((acc, p) => acc + (f(p) ?? 0), 0);
  const container = median(samples.map((x) => x.wallMs - x.harnessMs));
  const cols = [
    ['container', container],
    ['judge', m((x) => x.judge_start_ms ?? undefined)],
    ['prep', m((x) => x.prepare_ms ?? undefined)],
    ['zygote', m((x) => x.zygote_ms ?? undefined)],
    ['check', m((x) => sum(procs(x, 'student', 'import check'), (p) => p.wall_ms))],
    ['tests', m((x) => sum(procs(x, 'student', 'test '), (p) => p.wall_ms))],
    ['t.start', m((x) => median(procs(x, 'student', 'test ').map((p) => p.startup_ms ?? NaN)))],
    ['t.run', m((x) => median(procs(x, 'student', 'test ').map((p) => p.run_ms ?? NaN)))],
    ['t.imp', m((x) => median(procs(x, 'student', 'test ').map((p) => p.student_import_ms ?? NaN)))],
    ['checks', m((x) => sum(procs(x, 'student', 'check '), (p) => p.wall_ms))],
    ['ref.zyg', m((x) => x.reference_zygote_ms ?? undefined)],
    ['ref', m((x) => sum(procs(x, 'reference', ''), (p) => p.wall_ms))],
    ['ref.wait', m((x) => x.reference_wait_ms ?? undefined)],
    ['decide', m((x) => x.decide_ms ?? undefined)],
    ['total', m((x) => x.total_ms ?? undefined)],
    ['cpu', m((x) => x.container_cpu_ms ?? undefined)],
  ] as const;
  return cols.map(([, v]) => ms(v)).join(' ');
}

async function main(): Promise<void> {
  for (const side of sides) await side.sandbox.ping();
  const rows: string[] = [];
  const phaseRows: string[] = [];
  const medians: Record<string, number[]> = { before: [], after: [] };
  let mismatches = 0;
  for (const slug of exercises) {
    const exercise = loadExerciseFolder(`${CATALOG_DIR}/${slug}`);
    const input = (i: number): GradeInput => referenceGradeInput(exercise, slug, `bench-${slug}-${i}`);
    const samples: Record<string, Sample[]> = { before: [], after: [] };
    for (let i = 0; i < RUNS; i++) {
      // Alternate which side goes first, so neither always runs on a cache the other warmed.
      const order = i % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) samples[side.name].push(await gradeOnce(side.grader, input(i)));
    }
    const [b, a] = [samples.before, samples.after];
    const scores = new Set([...b, ...a].map((x) => x.score));
    if (scores.size > 1) mismatches++;
    const wb = median(b.map((x) => x.wallMs));
    const wa = median(a.map((x) => x.wallMs));
    medians.before.push(wb);
    medians.after.push(wa);
    rows.push(
      `${slug.padEnd(24)} ${s(wb)} s ${s(wa)} s ${(wb / wa).toFixed(2).padStart(5)}×  ${s(median(b.map((x) => x.harnessMs)))} s ${s(median(a.map((x) => x.harnessMs)))} s  ${String(b.filter((x) => x.full).length).padStart(2)}/${RUNS} ${String(a.filter((x) => x.full).length).padStart(2)}/${RUNS}  ${scores.size > 1 ? `scores differ: ${[...scores].join(',')}` : ''}`,
    );
    phaseRows.push(`${slug.padEnd(24)} ${breakdown(a)}`);
    if (process.env.DUMP === '1') console.log(slug, JSON.stringify(a[a.length - 1].timings, null, 1));
  }
  console.log(`grading the reference (submit → graded through the sandbox, p50 of ${RUNS}), before = ${BASELINE_IMAGE}, after = ${currentImage}`);
  console.log(`${'exercise'.padEnd(24)} ${'before'.padStart(8)} ${'after'.padStart(8)} ${'gain'.padStart(6)}  ${'harness before/after'.padStart(17)}  full marks`);
  for (const row of rows) console.log(row);
  console.log(
    `${'catalog median'.padEnd(24)} ${s(median(medians.before))} s ${s(median(medians.after))} s${mismatches ? `   (${mismatches} exercise(s) with differing scores)` : ''}`,
  );
  if (process.env.BREAKDOWN !== '0') {
    console.log(
      `\nwhere the time goes (after; medians in ms): container = run wall − harness duration; judge = interpreter start + imports; cpu = the container's CPU time (cgroup)`,
    );
    console.log(
      `${'exercise'.padEnd(24)} ${['contnr', 'judge', 'prep', 'zygote', 'check', 'tests', 't.strt', 't.run', 't.imp', 'checks', 'r.zyg', 'ref', 'r.wait', 'decide', 'total', 'cpu'].map((h) => h.padStart(6)).join(' ')}`,
    );
    for (const row of phaseRows) console.log(row);
  }
  for (const side of sides) await side.sandbox.onModuleDestroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
