/**
 * The one polling helper of the test suite: reads `read()` until `done(value)` holds and returns
 * that value, or fails after `withinMs` naming `what` and the last value read. Use it instead of
 * fixed sleeps and hand-rolled deadline loops.
 */
export interface PollOptions {
  /** How long to keep trying (default 60 s). */
  withinMs?: number;
  /** Pause between reads (default 100 ms). */
  everyMs?: number;
  /** What is awaited, for the failure message. */
  what?: string;
}

export async function waitUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, options: PollOptions | number = {}, what?: string): Promise<T> {
  // The older positional form waitUntil(read, done, withinMs, what) is still accepted.
  const { withinMs = 60_000, everyMs = 100, what: named = what ?? 'condition' } = typeof options === 'number' ? { withinMs: options } : options;
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${named} not reached within ${withinMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
