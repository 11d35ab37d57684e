import { classifyVerdict, isRetriableVerdict, type RunObservation } from './sandbox-verdict';

const exited = (exitCode: number | null, extra: Partial<RunObservation> = {}): RunObservation => ({
  killedFor: null,
  exitCode,
  oomKilled: false,
  infrastructureError: null,
  ...extra,
});

describe('classifyVerdict', () => {
  it.each([
    ['exit 0', exited(0), 'ok'],
    ['exit 1', exited(1), 'crashed'],
    ['SIGABRT (134)', exited(134), 'crashed'],
    ['SIGKILL from itself (137, no OOM, not ours)', exited(137), 'crashed'],
    ['OOM kill of the program (137)', exited(137, { oomKilled: true }), 'memory_limit'],
    ['OOM kill of a child, program exited 0', exited(0, { oomKilled: true }), 'memory_limit'],
    ['our timeout kill (137)', exited(137, { killedFor: 'timeout' }), 'timeout'],
    ['our timeout kill with the status lost', exited(null, { killedFor: 'timeout' }), 'timeout'],
    ['timeout after a child was OOM-killed', exited(137, { killedFor: 'timeout', oomKilled: true }), 'timeout'],
    ['our output kill', exited(137, { killedFor: 'output_limit' }), 'output_limit'],
    ['output kill wins over OOM', exited(137, { killedFor: 'output_limit', oomKilled: true }), 'output_limit'],
    ['infrastructure failure', exited(null, { infrastructureError: 'engine down' }), 'sandbox_error'],
    ['infrastructure failure wins over a kill', exited(137, { killedFor: 'timeout', infrastructureError: 'x' }), 'sandbox_error'],
    ['status lost without a kill of ours', exited(null), 'sandbox_error'],
  ] as const)('%s → %s', (_name, observation, verdict) => {
    expect(classifyVerdict(observation)).toBe(verdict);
  });

  it('retries only sandbox_error', () => {
    expect(['ok', 'timeout', 'memory_limit', 'output_limit', 'crashed', 'sandbox_error'].filter((v) => isRetriableVerdict(v as never))).toEqual([
      'sandbox_error',
    ]);
  });
});
