import type { LoggerService } from '@nestjs/common';
import type Docker from 'dockerode';
import type { ContainerLifecycle } from './container-lifecycle';
import { TASK_DIR } from './container-spec';
import { startProgram, type StartedProgram } from './exec-session';
import { ProgramStartedAhead, type AheadProgram } from './program-ahead';
import { describeError } from './sandbox-errors';
import type { SandboxLimitBounds } from './sandbox-limits';
import { SandboxPool, type PoolEntry } from './sandbox-pool';
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

/** A pooled container for one run, with its program when the pool started that ahead. */
export interface AcquiredContainer {
  container: Docker.Container;
  startedAhead: StartedProgram | null;
}

/**
 * The warm containers: one pool for plain runs (no capabilities at all) and one for grading runs
 * (the supervisor's), each off at size 0. Every container still serves exactly one run.
 *
 * A run that may start ahead (`startsAhead`: the grading judge, which reads its stdin before it
 * looks at /task) teaches its pool the program; the containers the pool makes after that start it
 * as soon as they are up, with the same argv, user and environment, and it waits on stdin. The run
 * that takes such a container delivers the files, then writes the stdin: it pays neither the exec
 * nor the interpreter's start. Nothing of a run is in the container before it takes it.
 */
export class ContainerPools {
  private readonly run: SandboxPool | null;
  private readonly grading: SandboxPool | null;
  /** Per kind (supervisor or not): the program the pool's new containers start ahead, once a run taught it. */
  private readonly ahead = new Map<boolean, AheadProgram>();

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
      create: (limits, lifetimeSeconds) => this.make(supervisor, limits, lifetimeSeconds),
      remove: (container) => lifecycle.remove(container),
      logger,
    });
  }

  /** A pooled container, with the pool's program started in it when it has one (a failed start just leaves it out). */
  private async make(supervisor: boolean, limits: SandboxLimits, lifetimeSeconds: number): Promise<PoolEntry> {
    const container = await this.options.lifecycle.createStarted({ limits, lifetimeSeconds, pooled: true, supervisor });
    const program = this.ahead.get(supervisor);
    if (!program) return { container, ahead: null };
    try {
      return { container, ahead: new ProgramStartedAhead(program, await startProgram(container, { ...program, hasStdin: true })) };
    } catch (error) {
      this.options.logger.warn({ containerId: container.id.slice(0, 12), error: describeError(error) }, 'could not start the program ahead in a pooled sandbox container');
      return { container, ahead: null };
    }
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
   * use, with `program` already started in it when the pool did that; null when none is ready (or
   * the one taken proved unusable), and the caller makes its own. `startsAhead`: later containers
   * of this pool may start `program` ahead (see the class).
   */
  async acquire(
    supervisor: boolean,
    limits: SandboxLimits,
    archive: Buffer,
    program: AheadProgram & { stdin: string | Buffer | undefined },
    startsAhead: boolean,
  ): Promise<AcquiredContainer | null> {
    if (startsAhead && program.stdin !== undefined) this.ahead.set(supervisor, { argv: program.argv, user: program.user, env: program.env });
    const pooled = (await this.poolFor(supervisor)?.acquire(limits)) ?? null;
    if (!pooled) return null;
    const { container } = pooled;
    let ahead = pooled.ahead;
    this.options.lifecycle.claim(container);
    if (ahead && !ahead.serves(program)) {
      ahead.discard();
      ahead = null;
    }
    try {
      // Whether the program is still waiting is asked while the files go in: no extra round trip on the path.
      const [, waiting] = await Promise.all([container.putArchive(archive, { path: TASK_DIR }), ahead?.waiting() ?? false]);
      if (ahead && !waiting) {
        this.options.logger.warn({ containerId: container.id.slice(0, 12) }, 'the program started ahead in a pooled sandbox container has ended; starting it afresh');
        ahead.discard();
      }
      return { container, startedAhead: waiting ? ahead!.started : null };
    } catch (error) {
      // A pooled container that went away (engine restart, someone's cleanup) is no reason to fail the run.
      this.options.logger.warn({ containerId: container.id.slice(0, 12), error: describeError(error) }, 'pooled sandbox container unusable, making a fresh one');
      ahead?.discard();
      await this.options.lifecycle.remove(container);
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
