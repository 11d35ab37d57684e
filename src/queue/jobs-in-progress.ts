/** Counts the jobs a processor of this process is running, and tells when it runs none. */
export class JobsInProgress {
  private count = 0;
  private waiting: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    this.count += 1;
    try {
      return await job();
    } finally {
      this.count -= 1;
      if (this.count === 0) for (const resolve of this.waiting.splice(0)) resolve();
    }
  }

  /** Resolves once no job is running: at once when none is. */
  none(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}
