import type { GradingResult, Submission, TestResult } from '../generated/prisma/client';
import { MAX_OUTPUT_SHOWN, toSubmissionView } from './submission-view';

const at = new Date('2026-01-01T10:00:00.000Z');

function test(position: number, over: Partial<TestResult>): TestResult {
  return {
    id: `t${position}`,
    gradingResultId: 'r1',
    position,
    name: `test ${position}`,
    score: 1,
    maxScore: 1,
    passed: true,
    message: 'ok',
    hidden: false,
    detail: null,
    measurements: {},
    ...over,
  };
}

function submission(result: Partial<GradingResult>, tests: TestResult[]) {
  const base = {
    id: 's1',
    exerciseVersionId: 'v1',
    userId: 'u1',
    apiKeyId: null,
    idempotencyKey: null,
    requestHash: null,
    files: {},
    status: 'graded',
    verdict: 'ok',
    score: 2,
    maxScore: 4,
    errorReason: null,
    attempts: 1,
    jobId: null,
    sweeps: 0,
    durationMs: 900,
    flagSeverity: 'high',
    createdAt: at,
    updatedAt: at,
    startedAt: at,
    finishedAt: at,
  } as Submission;
  const run = {
    id: 'r1',
    submissionId: 's1',
    run: 1,
    verdict: 'ok',
    score: 2,
    maxScore: 4,
    exitCode: 0,
    wallMs: 900,
    peakMemoryBytes: null,
    stdout: 'all of it\n',
    stderr: 'warn\n',
    outputSections: null,
    flags: [{ kind: 'static', severity: 'high', code: 'ctypes', message: 'ctypes imported', file: 'solution.py', line: 2, text: 'import ctypes' }],
    report: {},
    createdAt: at,
    ...result,
  } as GradingResult;
  return { ...base, results: [{ ...run, tests }] };
}

const tests = [
  test(0, { name: 'visible one', measurements: { status: 'contradicted', peak_mib: 3 } }),
  test(1, { name: 'secret budget', hidden: true, passed: false, score: 0, maxScore: 2, message: 'peak 212 MiB', detail: 'reference 31 MiB', measurements: { peak_mib: 212 } }),
  test(2, { name: 'another secret', hidden: true, message: 'fine' }),
];

describe('what a caller sees of a submission', () => {
  it('students: hidden tests as "Hidden test N" with score and pass/fail only; no flags, no evidence marks', () => {
    const view = toSubmissionView(submission({}, tests), 'c/e', false, { withOutput: true });
    expect(view.tests).toEqual([
      { name: 'visible one', passed: true, hidden: false, score: 1, maxScore: 1, message: 'ok', measurements: { peak_mib: 3 } },
      { name: 'Hidden test 1', passed: false, hidden: true, score: 0, maxScore: 2 },
      { name: 'Hidden test 2', passed: true, hidden: true, score: 1, maxScore: 1 },
    ]);
    expect(view).not.toHaveProperty('flags');
    expect(view).not.toHaveProperty('flagSeverity');
    expect(JSON.stringify(view)).not.toMatch(/secret|212|31 MiB|ctypes|contradicted/);
  });

  it("staff: every name, message and detail, the flags and each test's evidence mark", () => {
    const view = toSubmissionView(submission({}, tests), 'c/e', true, { withOutput: true });
    expect(view.tests.map((t) => [t.name, t.evidence, t.detail])).toEqual([
      ['visible one', 'contradicted', null],
      ['secret budget', null, 'reference 31 MiB'],
      ['another secret', null, null],
    ]);
    expect(view.flags).toEqual([{ kind: 'static', severity: 'high', code: 'ctypes', message: 'ctypes imported', file: 'solution.py', line: 2, text: 'import ctypes' }]);
    expect(view.flagSeverity).toBe('high');
    expect(view.output).toEqual({ stdout: 'all of it\n', stderr: 'warn\n', truncated: false, sections: null, withheld: false });
  });

  it('output not split per test: students see nothing of a run with hidden tests, everything of one without', () => {
    expect(toSubmissionView(submission({}, tests), 'c/e', false, { withOutput: true }).output).toEqual({
      stdout: '',
      stderr: '',
      truncated: false,
      sections: null,
      withheld: true,
    });
    const open = toSubmissionView(submission({ report: { studentOutputTruncated: true } }, [tests[0]]), 'c/e', false, { withOutput: true });
    expect(open.output).toEqual({ stdout: 'all of it\n', stderr: 'warn\n', truncated: true, sections: null, withheld: false });
  });

  it('output split per test: students see only the sections of visible tests, staff all', () => {
    const outputSections = [
      { label: 'import', hidden: false, stdout: 'loading\n', stderr: '' },
      { label: 'secret budget', hidden: true, stdout: 'plan.json says 31\n', stderr: '' },
      { label: 'visible one', hidden: false, stdout: 'hi\n', stderr: 'oops\n' },
      { label: 'no hidden flag', stdout: 'unsure\n' },
    ];
    const student = toSubmissionView(submission({ outputSections }, tests), 'c/e', false, { withOutput: true });
    expect(student.output).toEqual({
      stdout: 'loading\nhi\n',
      stderr: 'oops\n',
      truncated: false,
      sections: [outputSections[0], outputSections[2]],
      withheld: true,
    });
    const staff = toSubmissionView(submission({ outputSections }, tests), 'c/e', true, { withOutput: true });
    expect(staff.output?.sections).toHaveLength(4);
  });

  it('shows at most MAX_OUTPUT_SHOWN characters of each stream, saying it was cut', () => {
    const flood = 'x'.repeat(MAX_OUTPUT_SHOWN + 10);
    const view = toSubmissionView(submission({ stdout: flood, outputSections: [{ label: 'import', hidden: false, stdout: flood, stderr: 'e' }] }, [tests[0]]), 'c/e', true, {
      withOutput: true,
    });
    expect(view.output?.stdout).toHaveLength(MAX_OUTPUT_SHOWN);
    expect(view.output?.sections?.[0].stdout).toHaveLength(MAX_OUTPUT_SHOWN);
    expect(view.output?.sections?.[0].stderr).toBe('e');
    expect(view.output?.truncated).toBe(true);
  });

  it('leaves the output out unless asked (webhook payloads)', () => {
    expect(toSubmissionView(submission({}, tests), 'c/e', true)).not.toHaveProperty('output');
  });
});
