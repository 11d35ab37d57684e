// Grading time of every catalog exercise's reference with the judge (this checkout) and with the
// harness before it (round 1's main, c3663a2: one supervisor, signed frames, no reference process),
// side by side in one run: the two alternate run by run, so both see the same machine load.
// Run: npm run bench:before-judge (RUNS=5 per side and exercise; EXERCISES=a,b to choose;
// BASELINE_COMMIT to compare with another commit). scripts/baseline-tree.sh builds the baseline's
// sources, dist/ and sandbox image once (a few minutes the first time).
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/config.loader';
import { loadExerciseFolder } from '../src/exercises/format/exercise-folder';
import type { GradeInput, GradeOutcome } from '../src/results/grade-outcome';
import { HarnessGrader } from '../src/grading/harness.grader';
import { createDockerClient } from '../src/sandbox/docker-client';
import { SandboxService } from '../src/sandbox/sandbox.service';
import { referenceGradeInput } from './reference-input';
import { median } from './stats';

const RUNS = Number(process.env.RUNS ?? 5);
const BASELINE_COMMIT = process.env.BASELINE_COMMIT ?? 'c3663a2';
const CATALOG_DIR = resolve('exercises');

/** The parts of a compiled memgrade tree this bench drives; their shape is the same in both. */
interface Tree {
  label: string;
  exercisesDir: string;
  loadExerciseFolder: typeof loadExerciseFolder;
  grade: (input: GradeInput) => Promise<GradeOutcome>;
  close: () => Promise<void>;
}

const config = loadConfig({ DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', REDIS_URL: 'redis://127.0.0.1', ...process.env });

function currentTree(): Tree {
  const sandbox = new SandboxService(createDockerClient(config.DOCKER_HOST), { values: config }, { poolSize: 0 });
  const grader = new HarnessGrader(sandbox);
  return { label: 'judge', exercisesDir: CATALOG_DIR, loadExerciseFolder, grade: (i) => grader.grade(i), close: () => sandbox.onModuleDestroy() };
}

/* eslint-disable @typescript-eslint/no-require-imports -- the baseline is another compiled tree, found at run time */
function baselineTree(): Tree {
  const [dir, image] = execFileSync('bash', ['scripts/baseline-tree.sh', BASELINE_COMMIT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split(' ');
  const load = (module: string) => require(join(dir, 'dist', module));
  const { SandboxService: BaselineSandbox } = load('sandbox/sandbox.service.js');
  const { HarnessGrader: BaselineGrader } = load('grading/harness.grader.js');
  const { createDockerClient: baselineDocker } = load('sandbox/docker-client.js');
  const sandbox = new BaselineSandbox(baselineDocker(config.DOCKER_HOST), { values: config }, { image });
  const grader = new BaselineGrader(sandbox);
  return {
    label: `before (${BASELINE_COMMIT})`,
    exercisesDir: join(dir, 'exercises'),
    loadExerciseFolder: load('exercises/format/exercise-folder.js').loadExerciseFolder,
    grade: (i) => grader.grade(i),
    close: () => sandbox.onModuleDestroy?.() ?? Promise.resolve(),
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */

async function main(): Promise<void> {
  const trees = [baselineTree(), currentTree()];
  const chosen = process.env.EXERCISES?.split(',');
  const slugs = readdirSync(CATALOG_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && (!chosen || chosen.includes(e.name)))
    .map((e) => e.name)
    .sort();
  const rows: string[] = [];
  const medians: number[][] = [[], []];
  for (const slug of slugs) {
    const walls: number[][] = [[], []];
    const full = [0, 0];
    for (let run = 0; run < RUNS; run++) {
      // Alternate which side goes first, so neither always runs on a cache the other warmed.
      const order = run % 2 === 0 ? [0, 1] : [1, 0];
      for (const side of order) {
        const started = performance.now();
        const outcome = await trees[side].grade(referenceGradeInput(trees[side].loadExerciseFolder(join(trees[side].exercisesDir, slug)), slug, `before-after-${slug}-${run}`));
        walls[side].push(performance.now() - started);
        if (outcome.tests.every((t) => t.passed)) full[side]++;
      }
    }
    const [before, after] = walls.map(median);
    medians[0].push(before);
    medians[1].push(after);
    rows.push(
      `${slug.padEnd(24)} ${(before / 1000).toFixed(2).padStart(6)} s ${`${full[0]}/${RUNS}`.padStart(5)}  ${(after / 1000).toFixed(2).padStart(6)} s ${`${full[1]}/${RUNS}`.padStart(5)}  ${(after / before).toFixed(2).padStart(5)}×`,
    );
  }
  console.log(`the reference graded ${RUNS} times per side, alternating (p50 of the grading run: container start to result), full marks`);
  console.log(`${'exercise'.padEnd(24)} ${trees[0].label.padStart(14)}  ${trees[1].label.padStart(14)}  after/before`);
  for (const row of rows) console.log(row);
  const [b, a] = medians.map(median);
  console.log(`${'catalog median'.padEnd(24)} ${(b / 1000).toFixed(2).padStart(6)} s        ${(a / 1000).toFixed(2).padStart(6)} s        ${(a / b).toFixed(2).padStart(5)}×`);
  for (const tree of trees) await tree.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
