/**
 * The parsed, validated spec of an exercise version as stored in ExerciseVersion.spec.
 * The exercise folder format (exercises/<slug>/) is parsed into this shape.
 */
export interface ExerciseLimits {
  memoryMiB: number;
  timeSeconds: number;
  cpus?: number;
  pids?: number;
  outputBytes?: number;
}

export interface ExerciseTestSpec {
  name: string;
  points: number;
  hidden: boolean;
}

export interface ExerciseSpec {
  title: string;
  /** Markdown. */
  statement: string;
  /** The files a student submits, e.g. ["solution.py"]. */
  studentFiles: string[];
  tests: ExerciseTestSpec[];
  limits: ExerciseLimits;
  /**
   * The harness plan (plan.json) without its `reference` figures, which validation measures. Every
   * published version has one; a spec written straight into the database without it (test seeds
   * for the pages) cannot be graded, and the grader says so.
   */
  plan?: Record<string, unknown>;
}

export function maxScoreOf(spec: ExerciseSpec): number {
  return spec.tests.reduce((sum, test) => sum + test.points, 0);
}
