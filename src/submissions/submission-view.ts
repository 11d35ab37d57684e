import type { GradingResult, Submission, TestResult } from '../generated/prisma/client';

export interface TestView {
  name: string;
  passed: boolean;
  hidden: boolean;
  score?: number;
  maxScore?: number;
  message?: string;
  detail?: string | null;
  measurements?: unknown;
}

export interface SubmissionView {
  id: string;
  exercise: string;
  status: Submission['status'];
  verdict: Submission['verdict'];
  score: number | null;
  maxScore: number;
  tests: TestView[];
  durationMs: number | null;
  errorReason: string | null;
  createdAt: string;
  finishedAt: string | null;
}

type SubmissionWithResult = Submission & { results: (GradingResult & { tests: TestResult[] })[] };

/**
 * What a caller sees of a submission. Students see hidden tests as pass/fail only; staff (admin,
 * instructors, the course's lms) see everything, including instructor-only detail.
 */
export function toSubmissionView(submission: SubmissionWithResult, exercise: string, staff: boolean): SubmissionView {
  const latest = submission.results[0];
  const tests = (latest?.tests ?? [])
    .sort((a, b) => a.position - b.position)
    .map((test): TestView =>
      test.hidden && !staff
        ? { name: test.name, passed: test.passed, hidden: true }
        : {
            name: test.name,
            passed: test.passed,
            hidden: test.hidden,
            score: test.score,
            maxScore: test.maxScore,
            message: test.message,
            measurements: test.measurements,
            ...(staff ? { detail: test.detail } : {}),
          },
    );
  return {
    id: submission.id,
    exercise,
    status: submission.status,
    verdict: submission.verdict,
    score: submission.score,
    maxScore: submission.maxScore,
    tests,
    durationMs: submission.durationMs,
    errorReason: submission.errorReason,
    createdAt: submission.createdAt.toISOString(),
    finishedAt: submission.finishedAt?.toISOString() ?? null,
  };
}
