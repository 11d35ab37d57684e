import { failurePattern } from './failure-pattern';

describe('failurePattern', () => {
  it('groups messages that differ only in numbers', () => {
    expect(failurePattern('memory grew by 82.42 MiB over 20000 calls')).toBe('memory grew by N MiB over N calls');
    expect(failurePattern('memory grew by 80.1 MiB over 10 calls')).toBe('memory grew by N MiB over N calls');
  });

  it('treats hex addresses as numbers and keeps words with digits apart from numbers only where they are digits', () => {
    expect(failurePattern('<Node object at 0x7f3a2b1c> still alive')).toBe('<Node object at N> still alive');
    expect(failurePattern('expected [1, 2, 3], got [1, 2]')).toBe('expected [N, N, N], got [N, N]');
    expect(failurePattern('no numbers here')).toBe('no numbers here');
  });
});
