import type { Verdict } from '../generated/prisma/enums';
import type { ExerciseSpec } from '../exercises/exercise-spec';

/** What a grader needs: the exercise version's files and spec, and the student's files. */
export interface GradeInput {
  submissionId: string;
  exerciseSlug: string;
  spec: ExerciseSpec;
  /** The reference solution's measured peaks, for budgets relative to it. */
  referenceFigures: Record<string, unknown>;
  exerciseFiles: Record<string, string>;
  studentFiles: Record<string, string>;
}

export interface TestOutcome {
  name: string;
  score: number;
  maxScore: number;
  passed: boolean;
  message: string;
  hidden: boolean;
  detail?: string;
  measurements?: Record<string, unknown>;
}

/** The student's output during one test (or the import), as the harness labels it. */
export interface OutputSection {
  label: string;
  hidden: boolean;
  stdout: string;
  stderr: string;
}

/** The result of one grading run, as stored in GradingResult and TestResult. */
export interface GradeOutcome {
  verdict: Verdict;
  tests: TestOutcome[];
  exitCode: number | null;
  wallMs: number | null;
  peakMemoryBytes: number | null;
  stdout: string;
  stderr: string;
  /**
   * The student's output per test, when the harness splits it (`student_output.sections` of the
   * result document): students see only the sections of tests that are not hidden.
   */
  outputSections?: OutputSection[] | null;
  flags: unknown[];
  /** Instructor-only detail of the run (out-of-process checks, warnings, versions). */
  report: Record<string, unknown>;
}

/** The platform could not grade (engine down, image missing): retried, never blamed on the student. */
export class InfrastructureError extends Error {
  override readonly name = 'InfrastructureError';
}

/** The exercise itself is broken (a bad plan): retrying cannot help; the submission ends as error. */
export class ExerciseDefectError extends Error {
  override readonly name = 'ExerciseDefectError';
}

/** Grades one submission. The worker's implementation runs the harness in the sandbox. */
export abstract class SubmissionGrader {
  abstract grade(input: GradeInput): Promise<GradeOutcome>;
}
