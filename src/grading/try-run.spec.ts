import type { TryRunPayload } from '../queue/try-runs';
import type { SandboxRunResult } from '../sandbox';
import { describeTryRun, lastExceptionLine, tryRunRequest } from './try-run';

const payload: TryRunPayload = {
  userId: 'u',
  exercise: 'c/e',
  files: { 'solution.py': 'print(1)' },
  entry: 'solution.py',
  limits: { memoryMiB: 256, timeSeconds: 5, outputBytes: 8192 },
};

const run = (over: Partial<SandboxRunResult>): SandboxRunResult => ({
  verdict: 'ok',
  exitCode: 0,
  oomKilled: false,
  stdout: '',
  stderr: '',
  stdoutTruncated: false,
  stderrTruncated: false,
  wallMs: 1234,
  peakMemoryBytes: 10 * 1024 * 1024,
  limits: { memoryMiB: 256, timeSeconds: 5, cpus: 1, pids: 64, outputBytes: 8192 },
  ...over,
});

describe('tryRunRequest', () => {
  it('runs the entry file, or the snippet with -c, as the unprivileged default user', () => {
    expect(tryRunRequest(payload)).toMatchObject({ argv: ['python3', 'solution.py'], files: payload.files, limits: { memoryMiB: 256, timeSeconds: 5, outputBytes: 8192 } });
    expect(tryRunRequest({ ...payload, snippet: 'import solution' }).argv).toEqual(['python3', '-c', 'import solution']);
    const request = tryRunRequest(payload);
    expect(request.privileges).toBeUndefined();
    expect(request.user).toBeUndefined();
  });
});

describe('lastExceptionLine', () => {
  it('takes the last line of a traceback', () => {
    expect(lastExceptionLine('Traceback (most recent call last):\n  File "/task/solution.py", line 2, in <module>\n    1/0\nZeroDivisionError: division by zero\n')).toBe(
      'ZeroDivisionError: division by zero',
    );
  });
  it('finds a syntax error, which has no traceback header', () => {
    expect(lastExceptionLine('  File "/task/solution.py", line 2\n    def broken(:\n               ^\nSyntaxError: invalid syntax\n')).toBe('SyntaxError: invalid syntax');
  });
  it('says nothing for plain stderr', () => {
    expect(lastExceptionLine('a warning\nValueError looks like this but was printed\n')).toBeNull();
  });
});

describe('describeTryRun', () => {
  it('says each outcome in words, with the peak memory', () => {
    expect(describeTryRun(run({}), payload)).toMatchObject({ outcome: 'finished', summary: 'finished normally (exit status 0) in 1.23 s; peak memory 10.0 MiB' });
    expect(describeTryRun(run({ verdict: 'timeout', exitCode: null }), payload).summary).toMatch(/^stopped after the time limit of 5 s/);
    expect(describeTryRun(run({ verdict: 'memory_limit', exitCode: 137 }), payload).summary).toMatch(/^stopped: the program went over the memory limit of 256 MiB/);
    expect(describeTryRun(run({ verdict: 'output_limit', stdoutTruncated: true }), payload).summary).toMatch(/printed more than 8 KiB/);
    expect(describeTryRun(run({ verdict: 'crashed', exitCode: 139 }), payload)).toMatchObject({ outcome: 'error', summary: expect.stringMatching(/^killed by signal 11/) });
    expect(describeTryRun(run({ verdict: 'crashed', exitCode: 3 }), payload).summary).toMatch(/^exited with status 3/);
  });
  it('names a syntax error and its place, relative to the task folder', () => {
    const result = describeTryRun(run({ verdict: 'crashed', exitCode: 1, stderr: '  File "/task/solution.py", line 2\n    def broken(:\nSyntaxError: invalid syntax\n' }), payload);
    expect(result).toMatchObject({ outcome: 'syntax_error', error: 'SyntaxError: invalid syntax' });
    expect(result.summary).toMatch(/^Python could not read the code \(solution\.py, line 2\): SyntaxError: invalid syntax/);
  });
  it('does not blame the student for a sandbox failure', () => {
    expect(describeTryRun(run({ verdict: 'sandbox_error', exitCode: null, peakMemoryBytes: null }), payload)).toMatchObject({
      outcome: 'sandbox_error',
      summary: expect.stringContaining('not your program’s fault'),
    });
  });
});
