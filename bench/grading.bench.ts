// Grading time of every catalog exercise's reference (the judge, with its reference process), and
// the margin of every out-of-process budget against the reference's growth over 4 parallel runs.
// Run: npm run bench:grading (RUNS=5 sequential gradings per exercise; EXERCISES=a,b to choose;
// DIRECT=0 leaves out the grader-only figures, PLATFORM=0 the platform's share, measured through the API and a worker: bench/platform-share.ts;
// GRADING_POOL_SIZES=0,2 measures that share once per SANDBOX_GRADING_POOL_SIZE, side by side; BASELINE_DIST, BASELINE_IMAGE: below).
// The "before" column is what the issue recorded on this machine before the judge (submit → graded
// p50 through the platform, which adds ≈ 0.2 s to the grading run measured here).
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../src/config/config.loader';
import { loadExerciseFolder } from '../src/exercises/format/exercise-folder';
import { budgetMargins, BUDGET_MARGIN_SPREADS } from '../src/grading/exercise-validation';
import type { GradeOutcome } from '../src/results/grade-outcome';
import { HarnessGrader } from '../src/grading/harness.grader';
import { referenceGradeInput } from './reference-input';
import { createDockerClient } from '../src/sandbox/docker-client';
import { SandboxService } from '../src/sandbox/sandbox.service';
import { measurePlatformShare } from './platform-share';
import { median } from './stats';

const RUNS = Number(process.env.RUNS ?? 5);
// Run from the repository root (npm run bench:grading): the compiled bench lives elsewhere.
const CATALOG_DIR = resolve('exercises');
const BEFORE_P50_S: Record<string, number> = { 'weak-cache': 1.45, 'pandas-sales': 4.9 };
const config = loadConfig({ DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', REDIS_URL: 'redis://127.0.0.1', ...process.env });
const sandbox = new SandboxService(createDockerClient(config.DOCKER_HOST), { values: config }, { poolSize: 0 });
const grader = new HarnessGrader(sandbox);
const chosen = process.env.EXERCISES?.split(',');
// PLATFORM_EXERCISE=<folder> measures the platform's share on that exercise alone (e.g. the
// test fixture test/fixtures/exercises/imports, whose harness takes little time) instead of the catalog.
const exercises = readdirSync(CATALOG_DIR, { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('.') && (!chosen || chosen.includes(e.name)))
  .map((e) => e.name)
  .sort();
const shareFolder = process.env.PLATFORM_EXERCISE ? resolve(process.env.PLATFORM_EXERCISE) : null;
const shareDir = shareFolder ? resolve(shareFolder, '..') : CATALOG_DIR;
const shareExercises = shareFolder ? [shareFolder.split('/').pop()!] : exercises;

async function main(): Promise<void> {
  await sandbox.ping();
  const rows: string[] = [];
  const marginRows: string[] = [];
  for (const slug of process.env.DIRECT === '0' ? [] : exercises) {
    const exercise = loadExerciseFolder(`${CATALOG_DIR}/${slug}`);
    const input = (i: number) => referenceGradeInput(exercise, slug, `bench-${slug}-${i}`);
    const walls: number[] = [];
    const harness: number[] = [];
    let full = 0;
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const outcome = await grader.grade(input(i));
      walls.push(performance.now() - started);
      harness.push(Number(outcome.report.harnessMs ?? 0));
      if (outcome.tests.every((t) => t.passed)) full++;
    }
    const parallel: GradeOutcome[] = await Promise.all([0, 1, 2, 3].map((i) => grader.grade(input(100 + i))));
    const before = BEFORE_P50_S[slug];
    rows.push(
      `${slug.padEnd(24)} ${(median(walls) / 1000).toFixed(2).padStart(6)} s  ${(median(harness) / 1000).toFixed(2).padStart(6)} s  ${String(full).padStart(2)}/${RUNS}  ${before ? `${before.toFixed(2)} s` : '  –'}`,
    );
    for (const m of budgetMargins(parallel)) {
      const ratio = m.marginMiB / m.spreadMiB;
      marginRows.push(
        `${slug.padEnd(24)} ${m.check.padEnd(24)} ${m.kind} ${String(m.budgetMiB).padStart(6)}  ${m.growthMiB.min.toFixed(2).padStart(7)}–${m.growthMiB.max.toFixed(2).padEnd(7)} ${m.marginMiB.toFixed(2).padStart(7)}  ${ratio.toFixed(1).padStart(6)}× ${ratio >= BUDGET_MARGIN_SPREADS ? 'ok' : 'TOO CLOSE'}`,
      );
    }
  }
  console.log(`grading the reference, ${RUNS} runs one at a time (p50), full marks, and the recorded figure before the judge`);
  console.log(`${'exercise'.padEnd(24)} ${'run'.padStart(8)} ${'harness'.padStart(8)}  full  before`);
  for (const row of rows) console.log(row);
  console.log(`\nout-of-process budgets vs the reference's growth over 4 parallel gradings (MiB; margin / spread, ≥ ${BUDGET_MARGIN_SPREADS}× required)`);
  for (const row of marginRows) console.log(row);
  await sandbox.onModuleDestroy();
  if (process.env.PLATFORM === '0') return;

  // Through the platform (API and worker processes): what grading adds around the harness.
  // BASELINE_DIST=<another build's dist/> measures that build first, for a before/after table.
  const builds: [string, string | undefined][] = process.env.BASELINE_DIST
    ? [
        ['before', resolve(process.env.BASELINE_DIST)],
        ['after', undefined],
      ]
    : [['', undefined]];
  const poolSizes = process.env.GRADING_POOL_SIZES?.split(',').map((size) => size.trim());
  const measured = [];
  for (const size of poolSizes ?? [undefined]) {
    for (const [build, dist] of builds) {
      const overrides: Record<string, string> = size === undefined ? {} : { SANDBOX_GRADING_POOL_SIZE: size };
      // BASELINE_IMAGE=<tag>: the sandbox image the baseline build ran with (default: this tree's).
      if (build === 'before' && process.env.BASELINE_IMAGE) overrides.SANDBOX_IMAGE = process.env.BASELINE_IMAGE;
      const label = [build, size === undefined ? '' : `pool=${size}`].filter(Boolean).join(' ');
      measured.push({ label, ...(await measurePlatformShare(shareDir, shareExercises, RUNS, dist, overrides)) });
    }
  }
  const ms = (value: number) => `${(value / 1000).toFixed(3).padStart(7)}`;
  console.log(
    `\nthe platform's share: submit → job picked → container → result stored → graded event, minus the harness's own time (p50 of ${RUNS}, seconds; ${measured.map((m) => `${m.label || 'this build'}: ${m.settings}`).join('; ')})`,
  );
  console.log(
    `${'exercise'.padEnd(24)} ${'build'.padEnd(14)} ${'e2e'.padStart(7)} ${'harness'.padStart(7)} ${'share'.padStart(7)}  | ${'accept'.padStart(7)} ${'queue'.padStart(7)} ${'sandbox'.padStart(7)} ${'event'.padStart(7)}`,
  );
  for (let i = 0; i < shareExercises.length; i++) {
    for (const m of measured) {
      const r = m.rows[i];
      console.log(`${r.slug.padEnd(24)} ${m.label.padEnd(14)} ${ms(r.endToEnd)} ${ms(r.harness)} ${ms(r.share)}  | ${ms(r.accept)} ${ms(r.queue)} ${ms(r.sandbox)} ${ms(r.event)}`);
    }
  }
  for (const m of measured) console.log(`${`median share over exercises ${m.label}`.padEnd(47)} ${ms(median(m.rows.map((r) => r.share)))}`);
  console.log('(target ≤ 0.100 s; accept = POST answered, queue = accepted → running, sandbox = running → stored minus the harness, event = stored → event received)');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
