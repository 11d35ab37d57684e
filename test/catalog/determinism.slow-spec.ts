import { readdirSync } from 'node:fs';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../src/config/config.module';
import { CATALOG_DIR } from '../../src/exercises/catalog.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { hasWrongAnswer, REFERENCE_RUNS, solutionFiles } from '../../src/grading/exercise-validation';
import { referenceFiguresOf } from '../../src/grading/harness/harness-result';
import type { GradeOutcome } from '../../src/results/grade-outcome';
import { HarnessGrader } from '../../src/grading/harness.grader';
import { SandboxModule } from '../../src/sandbox';
import { testConfig } from '../support/platform';
import { repeatableOutcome } from '../support/repeatable';

// `npm run test:slow` only: every catalog solution RUNS times. (`npm test` grades each of them twice,
// in the catalog spec: once in validation and once over the API.) REFERENCE_RUNS more of the
// reference measure the figures, as publishing does.
const RUNS = Number(process.env.DETERMINISM_RUNS ?? 30);
const CONCURRENCY = 2;
const folders = readdirSync(CATALOG_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
  .map((entry) => entry.name)
  .sort();

const fingerprint = (outcome: GradeOutcome) => JSON.stringify(repeatableOutcome(outcome.verdict, outcome.tests));

/**
 * Determinism of every grader: the reference and the wrong answer (the starter where there is no
 * wrong/) of each catalog exercise, graded RUNS times in fresh sandboxes, get the same score and
 * the same per-test outcome every time. Uses the grader the worker uses, without the queue.
 */
describe(`catalog graders are deterministic (${RUNS} runs each)`, () => {
  let context: INestApplicationContext;
  let grader: HarnessGrader;

  beforeAll(async () => {
    @Module({ imports: [ConfigModule.forRoot(testConfig()), SandboxModule], providers: [HarnessGrader] })
    class GraderOnly {}
    context = await NestFactory.createApplicationContext(GraderOnly, { logger: false });
    grader = context.get(HarnessGrader);
  });

  afterAll(async () => {
    await context?.close();
  });

  it.each(folders)(
    '%s',
    async (folder) => {
      const { slug, spec, files } = loadExerciseFolder(`${CATALOG_DIR}/${folder}`);
      // The reference's figures as publishing measures them (the full validation is the catalog spec's).
      const reference = solutionFiles(spec, files, 'reference');
      const measuring = await Promise.all(
        Array.from({ length: REFERENCE_RUNS }, () =>
          grader.grade({ submissionId: `determinism-${slug}-figures`, exerciseSlug: slug, spec, exerciseFiles: files, referenceFigures: {}, studentFiles: reference }),
        ),
      );
      const referenceFigures = referenceFiguresOf(measuring);
      const wrongFolder = hasWrongAnswer(spec, files) ? 'wrong' : 'starter';
      for (const from of ['reference', wrongFolder]) {
        const studentFiles = solutionFiles(spec, files, from);
        const prints = new Map<string, number>();
        const queue = Array.from({ length: RUNS }, (_, i) => i);
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (queue.shift() !== undefined) {
              const outcome = await grader.grade({ submissionId: `determinism-${slug}-${from}`, exerciseSlug: slug, spec, exerciseFiles: files, referenceFigures, studentFiles });
              const print = fingerprint(outcome);
              prints.set(print, (prints.get(print) ?? 0) + 1);
            }
          }),
        );
        expect({ solution: from, outcomes: [...prints.entries()] }).toEqual({ solution: from, outcomes: [[expect.any(String), RUNS]] });
      }
    },
    15 * 60_000,
  );
});
