import type { AppConfig } from '../config/config.schema';
import type { SandboxLimits } from './sandbox.types';

export interface SandboxLimitBounds {
  defaults: SandboxLimits;
  maxima: SandboxLimits;
}

/**
 * Lowest values a run may ask for: below these the sandbox itself cannot work (its init and idle
 * holder need memory, processes and a moment to start). They match the configuration's own floors.
 */
export const SANDBOX_LIMIT_FLOORS: Readonly<SandboxLimits> = {
  memoryMiB: 16,
  timeSeconds: 1,
  cpus: 0.1,
  pids: 8,
  outputBytes: 1024,
};

const INTEGER_LIMITS: ReadonlySet<keyof SandboxLimits> = new Set(['memoryMiB', 'pids', 'outputBytes']);

export function limitBoundsFromConfig(config: AppConfig): SandboxLimitBounds {
  return {
    defaults: {
      memoryMiB: config.SANDBOX_DEFAULT_MEMORY_MIB,
      timeSeconds: config.SANDBOX_DEFAULT_TIME_SECONDS,
      cpus: config.SANDBOX_DEFAULT_CPUS,
      pids: config.SANDBOX_DEFAULT_PIDS,
      outputBytes: config.SANDBOX_DEFAULT_OUTPUT_BYTES,
    },
    maxima: {
      memoryMiB: config.SANDBOX_MAX_MEMORY_MIB,
      timeSeconds: config.SANDBOX_MAX_TIME_SECONDS,
      cpus: config.SANDBOX_MAX_CPUS,
      pids: config.SANDBOX_MAX_PIDS,
      outputBytes: config.SANDBOX_MAX_OUTPUT_BYTES,
    },
  };
}

/**
 * The limits a run gets: each requested value, or the default when it is missing or not a finite
 * number, brought into [floor, maximum]. Exercises may ask for less than the default (a 20 MiB
 * exercise is normal) but never more than the configured maximum. Counts are rounded to integers.
 */
export function clampLimits(requested: Partial<SandboxLimits> | undefined, bounds: SandboxLimitBounds): SandboxLimits {
  const result = {} as SandboxLimits;
  for (const key of Object.keys(SANDBOX_LIMIT_FLOORS) as (keyof SandboxLimits)[]) {
    const asked = requested?.[key];
    let value = typeof asked === 'number' && Number.isFinite(asked) ? asked : bounds.defaults[key];
    if (INTEGER_LIMITS.has(key)) value = Math.round(value);
    const floor = SANDBOX_LIMIT_FLOORS[key];
    const maximum = Math.max(bounds.maxima[key], floor);
    result[key] = Math.min(Math.max(value, floor), maximum);
  }
  return result;
}
