import { resolve } from 'node:path';
import { loadConfig } from '../config/config.loader';
import { maxScoreOf } from '../exercises/exercise-spec';
import { loadExerciseFolder } from '../exercises/format/exercise-folder';
import { validateExercise, type ValidationReport } from '../grading/exercise-validation';
import { HarnessGrader } from '../grading/harness.grader';
import { createDockerClient, SandboxService } from '../sandbox';
import type { ApiClient } from './api-client';
import type { ExerciseVersion, PublishedVersion } from './api-views';

/**
 * `memgrade validate <dir> [--run]`: the server's format rules, locally; with --run also the
 * server's validation (reference full marks, starter and wrong not) in the local Docker sandbox.
 */
export async function validateCommand(dir: string, run: boolean, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const parsed = loadExerciseFolder(resolve(dir)); // throws ExerciseFormatError with every problem
  const { spec } = parsed;
  out.write(
    `${parsed.slug}: "${spec.title}", ${spec.tests.length} tests, ${maxScoreOf(spec)} points, ` +
      `limits ${spec.limits.memoryMiB} MiB / ${spec.limits.timeSeconds} s, content ${parsed.contentHash.slice(0, 12)}\n`,
  );
  for (const test of spec.tests) out.write(`  ${String(test.points).padStart(3)}  ${test.name}${test.hidden ? ' (hidden)' : ''}\n`);
  out.write('format: ok\n');
  if (!run) return 0;

  // The sandbox needs only its own settings; the database and Redis URLs are never used here.
  const config = loadConfig({ DATABASE_URL: 'postgresql://unused/unused', REDIS_URL: 'redis://unused', ...process.env });
  const sandbox = new SandboxService(createDockerClient(config.DOCKER_HOST), { values: config });
  try {
    await sandbox.ping();
    const grader = new HarnessGrader(sandbox);
    const outcome = await validateExercise(parsed.slug, spec, parsed.files, (input) => grader.grade(input));
    printReport(outcome.report, out);
    if (Object.keys(outcome.referenceFigures).length) out.write(`reference peaks: ${JSON.stringify(outcome.referenceFigures)}\n`);
    out.write(`sandbox: ${outcome.status}\n`);
    return outcome.status === 'valid' ? 0 : 1;
  } finally {
    await sandbox.onModuleDestroy();
  }
}

/** `memgrade publish <dir> --course <c> [--wait]`: uploads the folder; with --wait, follows its validation. */
export async function publishCommand(api: ApiClient, dir: string, course: string, wait: boolean, out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const parsed = loadExerciseFolder(resolve(dir));
  const published = await api.request<PublishedVersion>('POST', `/api/v1/courses/${encodeURIComponent(course)}/exercises`, { slug: parsed.slug, files: parsed.files });
  out.write(`${published.exercise} version ${published.version}: ${published.created ? 'published' : 'unchanged'}, ${published.status}\n`);
  if (!wait || published.status !== 'pending') return published.status === 'invalid' ? 1 : 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const versions = await api.request<ExerciseVersion[]>('GET', `/api/v1/courses/${encodeURIComponent(course)}/exercises/${parsed.slug}/versions`);
    const version = versions.find((v) => v.number === published.version);
    if (!version || version.status === 'pending') {
      out.write('.');
      continue;
    }
    out.write('\n');
    // The report is free-form JSON in the API (stored as the worker wrote it): grading's ValidationReport.
    if (version.validation) printReport(version.validation as unknown as ValidationReport, out);
    out.write(`${parsed.slug} version ${version.number}: ${version.status}\n`);
    return version.status === 'valid' ? 0 : 1;
  }
}

function printReport(report: ValidationReport, out: NodeJS.WriteStream): void {
  for (const [name, solution] of [
    ['reference', report.reference],
    ['starter', report.starter],
    ['wrong', report.wrong],
  ] as const) {
    if (!solution) continue;
    out.write(`${name}: ${solution.score} / ${solution.maxScore}\n`);
    for (const test of solution.tests) out.write(`  ${test.passed ? 'PASS' : 'FAIL'}  ${test.name}${test.passed ? '' : `: ${test.message.split('\n')[0]}`}\n`);
  }
  for (const nothing of report.nulls ?? []) out.write(`null submission (${nothing.name}): ${nothing.score} / ${nothing.maxScore}\n`);
  for (const m of report.margins ?? []) {
    out.write(
      `budget ${m.check} (${m.kind}_growth_mib ${m.budgetMiB}): reference grew ${m.growthMiB.min}–${m.growthMiB.max} MiB, margin ${m.marginMiB.toFixed(2)} MiB = ${(m.marginMiB / m.spreadMiB).toFixed(1)} spreads\n`,
    );
  }
  for (const problem of report.problems) out.write(`problem: ${problem}\n`);
}
