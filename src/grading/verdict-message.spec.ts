import { verdictMessage } from './verdict-message';

const limits = { memoryMiB: 64, timeSeconds: 5, cpus: 1, pids: 64, outputBytes: 1024 };

describe('verdictMessage', () => {
  it('names the limit and the peak for memory', () => {
    expect(verdictMessage({ verdict: 'memory_limit', exitCode: 137, limits, peakMemoryBytes: 64 * 2 ** 20, stderr: '' })).toContain('limit of 64 MiB (peak 64.0 MiB)');
  });

  it('names the time limit', () => {
    expect(verdictMessage({ verdict: 'timeout', exitCode: 137, limits, peakMemoryBytes: null, stderr: '' })).toContain('after 5 s');
  });

  it('quotes the last line of stderr for a crash', () => {
    const message = verdictMessage({ verdict: 'crashed', exitCode: 1, limits, peakMemoryBytes: null, stderr: 'Traceback…\nValueError: boom\n' });
    expect(message).toBe('Your program stopped with exit code 1: ValueError: boom.');
  });
});
