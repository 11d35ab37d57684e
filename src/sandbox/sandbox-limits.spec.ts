import { clampLimits, limitBoundsFromConfig, SANDBOX_LIMIT_FLOORS, type SandboxLimitBounds } from './sandbox-limits';
import { loadConfig } from '../config/config.loader';

const bounds: SandboxLimitBounds = {
  defaults: { memoryMiB: 256, timeSeconds: 20, cpus: 1, pids: 64, outputBytes: 1 << 20 },
  maxima: { memoryMiB: 2048, timeSeconds: 300, cpus: 2, pids: 256, outputBytes: 8 << 20 },
};

describe('clampLimits', () => {
  it('gives the defaults when nothing is asked', () => {
    expect(clampLimits(undefined, bounds)).toEqual(bounds.defaults);
    expect(clampLimits({}, bounds)).toEqual(bounds.defaults);
  });

  it('keeps values inside the range, including below the default', () => {
    expect(clampLimits({ memoryMiB: 20, timeSeconds: 5, cpus: 0.5, pids: 16, outputBytes: 4096 }, bounds)).toEqual({
      memoryMiB: 20,
      timeSeconds: 5,
      cpus: 0.5,
      pids: 16,
      outputBytes: 4096,
    });
  });

  it('caps each value at its maximum', () => {
    expect(clampLimits({ memoryMiB: 1e6, timeSeconds: 1e6, cpus: 64, pids: 1e6, outputBytes: 1 << 30 }, bounds)).toEqual(bounds.maxima);
  });

  it('raises each value to its floor', () => {
    expect(clampLimits({ memoryMiB: 1, timeSeconds: 0, cpus: 0, pids: -5, outputBytes: 0 }, bounds)).toEqual(SANDBOX_LIMIT_FLOORS);
  });

  it('replaces what is not a finite number by the default', () => {
    const asked = { memoryMiB: Number.NaN, timeSeconds: Infinity, cpus: undefined, pids: '12' as unknown as number };
    expect(clampLimits(asked, bounds)).toEqual(bounds.defaults);
  });

  it('rounds counts but keeps fractional seconds and cpus', () => {
    expect(clampLimits({ memoryMiB: 99.6, pids: 10.2, outputBytes: 2048.5, timeSeconds: 1.5, cpus: 0.25 }, bounds)).toEqual({
      memoryMiB: 100,
      pids: 10,
      outputBytes: 2049,
      timeSeconds: 1.5,
      cpus: 0.25,
    });
  });

  it('never goes under the floor even when a maximum is configured below it', () => {
    const low = { ...bounds, maxima: { ...bounds.maxima, pids: 4 } };
    expect(clampLimits({ pids: 100 }, low).pids).toBe(SANDBOX_LIMIT_FLOORS.pids);
  });

  it('reads defaults and maxima from the configuration', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u@127.0.0.1/db',
      REDIS_URL: 'redis://127.0.0.1',
      SANDBOX_DEFAULT_MEMORY_MIB: '128',
      SANDBOX_MAX_PIDS: '100',
    });
    const fromConfig = limitBoundsFromConfig(config);
    expect(fromConfig.defaults.memoryMiB).toBe(128);
    expect(fromConfig.maxima.pids).toBe(100);
    expect(fromConfig.defaults.timeSeconds).toBe(config.SANDBOX_DEFAULT_TIME_SECONDS);
  });
});
