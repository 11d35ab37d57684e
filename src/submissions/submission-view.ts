import type { GradingResult, Submission, TestResult } from '../generated/prisma/client';
import { evidenceOf, parseFlags, type EvidenceStatus, type Flag, type FlagSeverity } from '../results/flag-summary';
import { parseOutputSections } from '../results/student-output';
import type { OutputSection } from '../results/grade-outcome';
import { hiddenTestName } from '../exercises/hidden-tests';
import { isRegrading } from './standing-result';

export interface TestView {
  name: string;
  passed: boolean;
  hidden: boolean;
  score?: number;
  maxScore?: number;
  message?: string;
  detail?: string | null;
  measurements?: unknown;
  /** Staff only: why this test's evidence cannot be trusted (out-of-process check contradicted it, tampered, blocked …), or null. */
  evidence?: EvidenceStatus | null;
}

/** The student's output during the run, as far as the caller may see it. */
export interface StudentOutputView {
  /** Everything the caller may see (for students with sections: the visible sections one after the other). */
  stdout: string;
  stderr: string;
  /** The harness cut the output at its cap. */
  truncated: boolean;
  /** Per test, when the harness split the output; students get only the sections of visible tests. */
  sections: OutputSection[] | null;
  /** True when output exists that the caller may not see (it may name or print hidden tests). */
  withheld: boolean;
}

export interface SubmissionView {
  id: string;
  exercise: string;
  status: Submission['status'];
  /**
   * Queued or running again (a regrade) while its stored result is shown: verdict, score, tests and
   * output are the stored run's, and stand until the new run replaces them.
   */
  regrading: boolean;
  verdict: Submission['verdict'];
  score: number | null;
  maxScore: number;
  tests: TestView[];
  durationMs: number | null;
  errorReason: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** The student's own output (null before a run); left out of webhook payloads. */
  output?: StudentOutputView | null;
  /** Staff only: what the harness flagged for review, most severe first. */
  flags?: Flag[];
  /** Staff only: the highest severity among the flags and evidence marks (evidence marks count as high), or null. */
  flagSeverity?: FlagSeverity | null;
}

type SubmissionWithResult = Submission & { results: (GradingResult & { tests: TestResult[] })[] };

function studentMeasurements(measurements: unknown): unknown {
  // An evidence mark is for staff; the rest of the status (passed, failed, timeout …) is the student's.
  if (evidenceOf(measurements) === null) return measurements;
  const { status: _status, ...rest } = measurements as Record<string, unknown>;
  return rest;
}

/** At most this many characters of each stream (and of each section's) are shown; the rest is cut, saying so. */
export const MAX_OUTPUT_SHOWN = 64 * 1024;

function capped(view: StudentOutputView): StudentOutputView {
  let cut = false;
  const cap = (text: string) => {
    if (text.length <= MAX_OUTPUT_SHOWN) return text;
    cut = true;
    return text.slice(0, MAX_OUTPUT_SHOWN);
  };
  const sections = view.sections?.map((s) => ({ ...s, stdout: cap(s.stdout), stderr: cap(s.stderr) })) ?? null;
  const stdout = cap(view.stdout);
  const stderr = cap(view.stderr);
  return { ...view, stdout, stderr, sections, truncated: view.truncated || cut };
}

function outputView(result: GradingResult, tests: TestResult[], staff: boolean): StudentOutputView {
  return capped(uncappedOutputView(result, tests, staff));
}

function uncappedOutputView(result: GradingResult, tests: TestResult[], staff: boolean): StudentOutputView {
  const sections = parseOutputSections(result.outputSections);
  const report = (result.report ?? {}) as Record<string, unknown>;
  const truncated = report.studentOutputTruncated === true;
  if (staff) return { stdout: result.stdout, stderr: result.stderr, truncated, sections, withheld: false };
  if (sections) {
    const visible = sections.filter((s) => !s.hidden);
    return {
      stdout: visible.map((s) => s.stdout).join(''),
      stderr: visible.map((s) => s.stderr).join(''),
      truncated,
      sections: visible,
      withheld: visible.length < sections.length && sections.some((s) => s.hidden && (s.stdout || s.stderr)),
    };
  }
  // Not split per test: a run with hidden tests may have printed from inside them.
  if (tests.some((t) => t.hidden)) return { stdout: '', stderr: '', truncated: false, sections: null, withheld: !!(result.stdout || result.stderr) };
  return { stdout: result.stdout, stderr: result.stderr, truncated, sections: null, withheld: false };
}

/**
 * What a caller sees of a submission. Students see a hidden test as "Hidden test N" with its score
 * and pass/fail only, never flags or evidence marks; staff (admin, instructors, the course's lms)
 * see everything, including instructor-only detail, flags and evidence marks.
 */
export function toSubmissionView(submission: SubmissionWithResult, exercise: string, staff: boolean, options: { withOutput?: boolean } = {}): SubmissionView {
  const latest = submission.results[0];
  let hiddenSeen = 0;
  const tests = [...(latest?.tests ?? [])]
    .sort((a, b) => a.position - b.position)
    .map((test): TestView => {
      if (test.hidden && !staff) return { name: hiddenTestName(++hiddenSeen), passed: test.passed, hidden: true, score: test.score, maxScore: test.maxScore };
      const view: TestView = {
        name: test.name,
        passed: test.passed,
        hidden: test.hidden,
        score: test.score,
        maxScore: test.maxScore,
        message: test.message,
        measurements: staff ? test.measurements : studentMeasurements(test.measurements),
      };
      if (staff) {
        view.detail = test.detail;
        view.evidence = evidenceOf(test.measurements);
      }
      return view;
    });
  return {
    id: submission.id,
    exercise,
    status: submission.status,
    regrading: isRegrading(submission),
    // Verdict and score from the run the tests come from: read with it, never half of another run.
    verdict: latest ? latest.verdict : submission.verdict,
    score: latest ? latest.score : submission.score,
    maxScore: submission.maxScore,
    tests,
    durationMs: submission.durationMs,
    errorReason: submission.errorReason,
    createdAt: submission.createdAt.toISOString(),
    finishedAt: submission.finishedAt?.toISOString() ?? null,
    ...(options.withOutput ? { output: latest ? outputView(latest, latest.tests, staff) : null } : {}),
    ...(staff ? { flags: latest ? parseFlags(latest.flags) : [], flagSeverity: submission.flagSeverity } : {}),
  };
}
