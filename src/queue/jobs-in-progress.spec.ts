import { JobsInProgress } from './jobs-in-progress';

describe('JobsInProgress', () => {
  it('has none at once when nothing runs', async () => {
    await expect(new JobsInProgress().none()).resolves.toBeUndefined();
  });

  it('has none only once every running job settled, failed ones too', async () => {
    const jobs = new JobsInProgress();
    let finish!: () => void;
    let fail!: (error: Error) => void;
    const first = jobs.run(() => new Promise<void>((resolve) => (finish = resolve)));
    const second = jobs.run(() => new Promise<void>((_, reject) => (fail = reject)));
    let none = false;
    const waited = jobs.none().then(() => (none = true));
    expect(jobs.size).toBe(2);
    finish();
    await first;
    await Promise.resolve();
    expect(none).toBe(false);
    fail(new Error('job failed'));
    await expect(second).rejects.toThrow('job failed');
    await waited;
    expect({ none, size: jobs.size }).toEqual({ none: true, size: 0 });
  });

  it('returns what the job returns', async () => {
    await expect(new JobsInProgress().run(async () => 'graded')).resolves.toBe('graded');
  });
});
