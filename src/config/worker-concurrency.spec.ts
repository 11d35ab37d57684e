import { autoWorkerConcurrency } from './worker-concurrency';
import { loadConfig } from './config.loader';

const env = { DATABASE_URL: 'postgresql://u@127.0.0.1:5432/db', REDIS_URL: 'redis://127.0.0.1:6379' };

describe('autoWorkerConcurrency', () => {
  it('grades one submission per core when memory allows', () => {
    expect(autoWorkerConcurrency({ cores: 2, memoryMiB: 24 * 1024 })).toBe(2);
    expect(autoWorkerConcurrency({ cores: 16, memoryMiB: 64 * 1024 })).toBe(16);
  });

  it('grades fewer when memory cannot hold a grading container per core', () => {
    expect(autoWorkerConcurrency({ cores: 16, memoryMiB: 4 * 1024 })).toBe(4);
  });

  it('grades at least one and at most 64', () => {
    expect(autoWorkerConcurrency({ cores: 8, memoryMiB: 512 })).toBe(1);
    expect(autoWorkerConcurrency({ cores: 256, memoryMiB: 1024 * 1024 })).toBe(64);
  });
});

describe('WORKER_CONCURRENCY', () => {
  it('takes "auto" and resolves it to a number from this host', () => {
    const concurrency = loadConfig({ ...env, WORKER_CONCURRENCY: 'auto' }).WORKER_CONCURRENCY;
    expect(Number.isInteger(concurrency)).toBe(true);
    expect(concurrency).toBeGreaterThanOrEqual(1);
  });

  it('still takes a number, and refuses anything else naming the variable', () => {
    expect(loadConfig({ ...env, WORKER_CONCURRENCY: '3' }).WORKER_CONCURRENCY).toBe(3);
    expect(() => loadConfig({ ...env, WORKER_CONCURRENCY: 'lots' })).toThrow(/WORKER_CONCURRENCY/);
    expect(() => loadConfig({ ...env, WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY/);
  });
});
