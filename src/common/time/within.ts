/** A promise that did not settle in the time it was given. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';

  constructor(
    /** What was waited for, as the message names it ("Redis", "the Docker engine"). */
    readonly what: string,
    readonly ms: number,
  ) {
    super(`${what} gave no answer within ${ms} ms`);
  }
}

/**
 * `promise`, or a TimeoutError once `ms` pass first. The work itself is not cancelled (a promise
 * cannot be); the timer is always cleared, so a fast answer leaves nothing pending.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
  }
}
