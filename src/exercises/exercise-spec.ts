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
   * The harness plan (plan.json) without its `reference` figures, which validation measures.
   * Absent for exercises that predate the harness: those are graded by running the student's file.
   */
  plan?: Record<string, unknown>;
}

export function maxScoreOf(spec: ExerciseSpec): number {
  return spec.tests.reduce((sum, test) => sum + test.points, 0);
}
