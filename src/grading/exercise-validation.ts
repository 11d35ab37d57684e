import type { ExerciseSpec } from '../exercises/exercise-spec';
import { ExerciseDefectError, type GradeInput, type GradeOutcome } from '../results/grade-outcome';
import { referenceFiguresOf } from './harness/harness-result';
import { nullSubmissions } from './null-submissions';

/**
 * How many times the reference runs, all at once, to measure the figures relative budgets compare
 * against and the run-to-run spread of every out-of-process check under load.
 */
export const REFERENCE_RUNS = 4;
/** A memory budget must sit at least this many spreads away from what the reference measured. */
export const BUDGET_MARGIN_SPREADS = 3;
/** The smallest spread counted (page and arena granularity): tiny spreads do not shrink the margin to nothing. */
const MIN_SPREAD_MIB = 0.25;

export interface BudgetMargin {
  check: string;
  budgetMiB: number;
  kind: 'max' | 'min';
  growthMiB: { min: number; max: number };
  spreadMiB: number;
  marginMiB: number;
}

export interface SolutionReport {
  score: number;
  maxScore: number;
  verdict: string;
  tests: { name: string; passed: boolean; score: number; maxScore: number; message: string }[];
}

export interface ValidationReport {
  checkedAt: string;
  durationMs: number;
  referenceRuns?: number;
  reference?: SolutionReport;
  starter?: SolutionReport;
  wrong?: SolutionReport;
  /** Each out-of-process budget against the reference's growth over REFERENCE_RUNS parallel runs. */
  margins?: BudgetMargin[];
  /** The submissions that solve nothing (null-submissions.ts): each must score 0. */
  nulls?: (SolutionReport & { name: string })[];
  /** Why the version is invalid; empty when it is valid. */
  problems: string[];
}

/** One step of a validation run, as it goes (written to the version while it is pending). */
export interface ValidationStep {
  /** "reference (measuring, 4 runs)", "reference", "starter", "wrong", or a null submission's name. */
  name: string;
  state: 'waiting' | 'running' | 'done';
  score?: number;
  maxScore?: number;
}

/** Told before each step starts and after the last: every step with its state. */
export type ValidationProgress = (steps: ValidationStep[]) => Promise<void> | void;

export interface ValidationOutcome {
  status: 'valid' | 'invalid';
  report: ValidationReport;
  /** The reference's measured peaks, stored with the version for budgets relative to it. */
  referenceFigures: Record<string, Record<string, number>>;
}

/** One solution folder of an exercise (reference/, starter/, wrong/ …): its file for each student file. */
export function solutionFiles(spec: ExerciseSpec, files: Record<string, string>, folder: string): Record<string, string> {
  return Object.fromEntries(spec.studentFiles.map((name) => [name, files[`${folder}/${name}`]]));
}

/** Whether the folder has a wrong answer (wrong/ is optional) for every student file. */
export function hasWrongAnswer(spec: ExerciseSpec, files: Record<string, string>): boolean {
  return spec.studentFiles.every((name) => files[`wrong/${name}`] !== undefined);
}

/**
 * The rules a version must pass to be published, by grading its own solutions exactly as students'
 * are graded: the reference earns full marks (after its peaks are measured for relative budgets),
 * the starter and the wrong answer (if given) do not. Used by the worker and by the CLI alike.
 */
export async function validateExercise(
  exerciseSlug: string,
  spec: ExerciseSpec,
  files: Record<string, string>,
  grade: (input: GradeInput) => Promise<GradeOutcome>,
  onProgress: ValidationProgress = () => undefined,
): Promise<ValidationOutcome> {
  const started = Date.now();
  const solution = (folder: string) => solutionFiles(spec, files, folder);
  const run = (folder: string, referenceFigures: Record<string, unknown>, studentFiles = solution(folder)) =>
    grade({ submissionId: `validation-${exerciseSlug}-${folder}`, exerciseSlug, spec, exerciseFiles: files, referenceFigures, studentFiles });
  const hasWrong = hasWrongAnswer(spec, files);
  const nothings = nullSubmissions(spec.studentFiles, solution('reference'));
  const steps: ValidationStep[] = [`reference (measuring, ${REFERENCE_RUNS} runs)`, 'reference', 'starter', ...(hasWrong ? ['wrong'] : []), ...nothings.map((n) => n.name)].map(
    (name) => ({ name, state: 'waiting' }),
  );
  // Each step in turn: running (reported), then done with its score (reported with the next).
  let at = 0;
  const step = async <T>(work: () => Promise<T>, scored?: (value: T) => SolutionReport): Promise<T> => {
    steps[at].state = 'running';
    await onProgress(steps.map((s) => ({ ...s })));
    const value = await work();
    const report = scored?.(value);
    steps[at] = { ...steps[at], state: 'done', ...(report ? { score: report.score, maxScore: report.maxScore } : {}) };
    at++;
    return value;
  };
  try {
    // In parallel, as under load: the spread that a budget's margin is measured against.
    const measuring: GradeOutcome[] = await step(() => Promise.all(Array.from({ length: REFERENCE_RUNS }, () => run('reference', {}))));
    const referenceFigures = referenceFiguresOf(measuring);
    const margins = budgetMargins(measuring);
    const reference = await step(
      async () => summarise(await run('reference', referenceFigures)),
      (r) => r,
    );
    const starter = await step(
      async () => summarise(await run('starter', referenceFigures)),
      (r) => r,
    );
    const wrong = hasWrong
      ? await step(
          async () => summarise(await run('wrong', referenceFigures)),
          (r) => r,
        )
      : undefined;
    const nulls: (SolutionReport & { name: string })[] = [];
    for (const [i, nothing] of nothings.entries()) {
      nulls.push(
        await step(
          async () => ({ name: nothing.name, ...summarise(await run(`null-${i}`, referenceFigures, nothing.files)) }),
          (r) => r,
        ),
      );
    }
    await onProgress(steps.map((s) => ({ ...s })));

    const problems: string[] = [];
    if (reference.score < reference.maxScore) {
      const failed = reference.tests.filter((t) => !t.passed).map((t) => `"${t.name}": ${t.message}`);
      problems.push(`reference/ earns ${reference.score} of ${reference.maxScore}; it must earn full marks. Failed: ${failed.join('; ')}`);
    }
    if (starter.score >= starter.maxScore) problems.push(`starter/ already earns full marks (${starter.score}); it must leave something to do`);
    if (wrong && wrong.score >= wrong.maxScore) problems.push(`wrong/ earns full marks (${wrong.score}); a wrong answer must not`);
    for (const m of margins) {
      if (m.marginMiB < BUDGET_MARGIN_SPREADS * m.spreadMiB) {
        problems.push(
          `out-of-process check "${m.check}": its ${m.kind === 'max' ? 'max_growth_mib' : 'min_growth_mib'} of ${m.budgetMiB} MiB is ${m.marginMiB.toFixed(2)} MiB from the reference's growth (${m.growthMiB.min}–${m.growthMiB.max} MiB over ${REFERENCE_RUNS} parallel runs); it must be at least ${BUDGET_MARGIN_SPREADS}× the spread (${m.spreadMiB.toFixed(2)} MiB) away`,
        );
      }
    }
    for (const nothing of nulls) {
      const earning = nothing.tests.filter((t) => t.score > 0).map((t) => `"${t.name}" (${t.score})`);
      if (earning.length)
        problems.push(
          `a submission that solves nothing (${nothing.name}) earns points in ${earning.join(', ')}: those tests need evidence the judge checks (answer() values, or an out-of-process check)`,
        );
    }
    return {
      status: problems.length ? 'invalid' : 'valid',
      referenceFigures,
      report: {
        checkedAt: new Date().toISOString(),
        durationMs: Date.now() - started,
        referenceRuns: REFERENCE_RUNS,
        reference,
        starter,
        ...(wrong ? { wrong } : {}),
        margins,
        nulls,
        problems,
      },
    };
  } catch (error) {
    if (!(error instanceof ExerciseDefectError)) throw error;
    return { status: 'invalid', referenceFigures: {}, report: { checkedAt: new Date().toISOString(), durationMs: Date.now() - started, problems: [error.message] } };
  }
}

interface CheckFigures {
  id?: unknown;
  growth_mib?: unknown;
  max_growth_mib?: unknown;
  min_growth_mib?: unknown;
}

/** Every out-of-process check's budget beside the reference's growth over the measuring runs. */
export function budgetMargins(runs: GradeOutcome[]): BudgetMargin[] {
  const byCheck = new Map<string, { growth: number[]; max: number; min?: number }>();
  for (const run of runs) {
    for (const check of (run.report.outOfProcess as CheckFigures[] | undefined) ?? []) {
      if (typeof check.id !== 'string' || typeof check.growth_mib !== 'number' || typeof check.max_growth_mib !== 'number') continue;
      const entry = byCheck.get(check.id) ?? { growth: [], max: check.max_growth_mib, ...(typeof check.min_growth_mib === 'number' ? { min: check.min_growth_mib } : {}) };
      entry.growth.push(check.growth_mib);
      byCheck.set(check.id, entry);
    }
  }
  const margins: BudgetMargin[] = [];
  for (const [check, { growth, max, min }] of byCheck) {
    const low = Math.min(...growth);
    const high = Math.max(...growth);
    const spreadMiB = Math.max(high - low, MIN_SPREAD_MIB);
    margins.push({ check, kind: 'max', budgetMiB: max, growthMiB: { min: low, max: high }, spreadMiB, marginMiB: max - high });
    if (min !== undefined) margins.push({ check, kind: 'min', budgetMiB: min, growthMiB: { min: low, max: high }, spreadMiB, marginMiB: low - min });
  }
  return margins;
}

function summarise(outcome: GradeOutcome): SolutionReport {
  return {
    score: outcome.tests.reduce((sum, t) => sum + t.score, 0),
    maxScore: outcome.tests.reduce((sum, t) => sum + t.maxScore, 0),
    verdict: outcome.verdict,
    tests: outcome.tests.map((t) => ({ name: t.name, passed: t.passed, score: t.score, maxScore: t.maxScore, message: t.message })),
  };
}
