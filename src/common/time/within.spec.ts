import { TimeoutError, within } from './within';

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('within', () => {
  it('answers with the value of a promise that settles in time', async () => {
    await expect(within(after(5, 'answer'), 500, 'the test')).resolves.toBe('answer');
  });

  it('passes on the rejection of a promise that fails in time, not a timeout', async () => {
    const failure = new Error('refused');
    await expect(within(Promise.reject(failure), 500, 'the test')).rejects.toBe(failure);
  });

  it('throws a TimeoutError naming what and how long once the time is up', async () => {
    const started = Date.now();
    const error: unknown = await within(after(2_000, 'late'), 50, 'Redis').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ name: 'TimeoutError', what: 'Redis', ms: 50, message: 'Redis gave no answer within 50 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('leaves no timer behind after a fast answer', async () => {
    jest.useFakeTimers();
    try {
      await within(Promise.resolve(1), 60_000, 'the test');
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
