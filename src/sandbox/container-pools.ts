import type { LoggerService } from '@nestjs/common';
import type Docker from 'dockerode';
import type { ContainerLifecycle } from './container-lifecycle';
import { TASK_DIR } from './container-spec';
import { describeError } from './sandbox-errors';
import type { SandboxLimitBounds } from './sandbox-limits';
import { SandboxPool } from './sandbox-pool';
import type { SandboxLimits } from './sandbox.types';

/** Seconds an idle holder outlives the run's own limit, so it is never the thing that ends a run. */
export const HOLDER_MARGIN_SECONDS = 60;
/** A pooled container may wait this long and still have the longest run's time left. */
const MAX_IDLE_SECONDS = 600;

export interface SandboxPoolCounts {
  hits: number;
  misses: number;
  idle: number;
}

export interface ContainerPoolsOptions {
  /** Started containers kept ready for plain runs (0: no pool). */
  runSize: number;
  /** The same for grading runs, made with the supervisor's capabilities. */
  gradingSize: number;
  bounds: SandboxLimitBounds;
  lifecycle: ContainerLifecycle;
  logger: LoggerService;
}

/**
 * The warm containers: one pool for plain runs (no capabilities at all) and one for grading runs
 * (the supervisor's), each off at size 0. Every container still serves exactly one run.
 */
export class ContainerPools {
  private readonly run: SandboxPool | null;
  private readonly grading: SandboxPool | null;

  constructor(private readonly options: ContainerPoolsOptions) {
    this.run = this.makePool(options.runSize, false);
    this.grading = this.makePool(options.gradingSize, true);
  }

  private makePool(size: number, supervisor: boolean): SandboxPool | null {
    if (size <= 0) return null;
    const { bounds, lifecycle, logger } = this.options;
    return new SandboxPool({
      size,
      limits: bounds.defaults,
      maxIdleSeconds: MAX_IDLE_SECONDS,
      lifetimeSeconds: MAX_IDLE_SECONDS + bounds.maxima.timeSeconds + HOLDER_MARGIN_SECONDS,
      create: (limits, lifetimeSeconds) => lifecycle.createStarted({ limits, lifetimeSeconds, pooled: true, supervisor }),
      remove: (container) => lifecycle.remove(container),
      logger,
    });
  }

  private poolFor(supervisor: boolean): SandboxPool | null {
    return supervisor ? this.grading : this.run;
  }

  /** Whether an idle pooled container has this id. */
  holds(id: string): boolean {
    return (this.run?.holds(id) ?? false) || (this.grading?.holds(id) ?? false);
  }

  /**
   * A started container of the right kind with these limits and the files in /task, claimed as in
   * use; null when none is ready (or the one taken proved unusable), and the caller makes its own.
   */
  async acquire(supervisor: boolean, limits: SandboxLimits, archive: Buffer): Promise<Docker.Container | null> {
    const pooled = (await this.poolFor(supervisor)?.acquire(limits)) ?? null;
    if (!pooled) return null;
    this.options.lifecycle.claim(pooled);
    try {
      await pooled.putArchive(archive, { path: TASK_DIR });
      return pooled;
    } catch (error) {
      // A pooled container that went away (engine restart, someone's cleanup) is no reason to fail the run.
      this.options.logger.warn({ containerId: pooled.id.slice(0, 12), error: describeError(error) }, 'pooled sandbox container unusable, making a fresh one');
      await this.options.lifecycle.remove(pooled);
      return null;
    }
  }

  /** Starts refilling the pool of this kind after a run (does not wait). */
  replenish(supervisor: boolean): void {
    this.poolFor(supervisor)?.replenish();
  }

  /** Acquisitions that got a ready container (hits), those that did not (misses), and how many are ready; null for a pool that is off. */
  counts(): Record<'run' | 'grading', SandboxPoolCounts | null> {
    const of = (pool: SandboxPool | null) => (pool ? { ...pool.counts, idle: pool.idleCount } : null);
    return { run: of(this.run), grading: of(this.grading) };
  }

  /** Fills both pools and waits until they are full. */
  async fill(): Promise<void> {
    await Promise.all([this.run?.fill(), this.grading?.fill()]);
  }

  /** Removes every idle container and stops refilling. */
  async close(): Promise<void> {
    await Promise.all([this.run?.close(), this.grading?.close()]);
  }
}
