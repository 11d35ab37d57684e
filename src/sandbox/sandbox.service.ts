import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type Docker from 'dockerode';
import { AppConfigService } from '../config/app-config';
import { ContainerLifecycle } from './container-lifecycle';
import { ContainerPools, HOLDER_MARGIN_SECONDS, type SandboxPoolCounts } from './container-pools';
import type { SandboxOwner } from './container-spec';
import { DOCKER_CLIENT } from './docker-client';
import { runProgram, type ExecutionRecord, type StartedProgram } from './exec-session';
import { MemoryProbe } from './memory-probe';
import { currentProcessSpace, reapOrphanContainers } from './orphan-reaper';
import { describeError, SandboxInfrastructureError } from './sandbox-errors';
import { resolveSandboxImage } from './sandbox-image';
import { limitBoundsFromConfig, type SandboxLimitBounds } from './sandbox-limits';
import { normaliseRequest } from './sandbox-request';
import { failedRun, ranResult } from './sandbox-result';
import type { SandboxRunRequest, SandboxRunResult } from './sandbox.types';

export type { SandboxPoolCounts } from './container-pools';

/** Optional settings, mostly for tests and benchmarks; production uses the configuration alone. */
export interface SandboxOptions {
  /** Image to run (default: SANDBOX_IMAGE, else the content-hash tag of sandbox/). */
  image?: string;
  /** Started, idle, single-use containers kept ready (default: SANDBOX_POOL_SIZE). */
  poolSize?: number;
  /** The same for grading runs, in the supervisor's mode (default: SANDBOX_GRADING_POOL_SIZE). */
  gradingPoolSize?: number;
  /** Where the host's cgroup filesystem is; a path that does not exist forces the in-container reading. */
  cgroupRoot?: string;
}

export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');

/**
 * Runs programs in throw-away Docker containers (docs/architecture.md, "The sandbox contract").
 *
 * One run: check the request (sandbox-request.ts); take a started container from the pool or make
 * a hardened one whose command is an idle holder, files in /task (container-pools.ts,
 * container-lifecycle.ts); `docker exec` the program as a non-root user (or take the one the pool
 * started ahead, waiting on stdin: startsAhead) with the limits' clock running, its output
 * streamed and capped (exec-session.ts); read the memory cgroup while the
 * container still exists (memory-probe.ts); remove the container and its volume on every path,
 * including errors. Each container serves exactly one run.
 */
@Injectable()
export class SandboxService implements OnModuleDestroy {
  private readonly logger = new Logger(SandboxService.name);
  /** The image runs use. */
  readonly image: string;
  /** Identifies this service's containers; the reaper leaves a live owner's containers alone. */
  readonly owner: SandboxOwner;
  readonly bounds: SandboxLimitBounds;
  private readonly lifecycle: ContainerLifecycle;
  private readonly pools: ContainerPools;
  private readonly memory: MemoryProbe;
  /** Removals of runs that returned already (removeAfterReturn). */
  private readonly removals = new Set<Promise<void>>();

  constructor(
    @Inject(DOCKER_CLIENT) private readonly docker: Docker,
    config: AppConfigService,
    @Optional() @Inject(SANDBOX_OPTIONS) options: SandboxOptions = {},
  ) {
    this.image = options.image ?? resolveSandboxImage(config.values.SANDBOX_IMAGE);
    this.bounds = limitBoundsFromConfig(config.values);
    this.memory = new MemoryProbe(options.cgroupRoot);
    this.owner = {
      workerId: `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`,
      hostname: hostname(),
      processSpace: currentProcessSpace(),
      pid: process.pid,
    };
    this.lifecycle = new ContainerLifecycle(docker, this.image, this.owner, this.logger);
    this.pools = new ContainerPools({
      runSize: options.poolSize ?? config.values.SANDBOX_POOL_SIZE,
      gradingSize: options.gradingPoolSize ?? config.values.SANDBOX_GRADING_POOL_SIZE,
      bounds: this.bounds,
      lifecycle: this.lifecycle,
      logger: this.logger,
    });
  }

  /** Resolves when the engine answers and the image is present; throws SandboxInfrastructureError otherwise. */
  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw new SandboxInfrastructureError(`Docker engine does not answer: ${describeError(error)}`);
    }
    try {
      await this.docker.getImage(this.image).inspect();
    } catch (error) {
      throw new SandboxInfrastructureError(`sandbox image ${this.image} is not available (build it with scripts/sandbox-image.sh): ${describeError(error)}`);
    }
  }

  /**
   * Removes sandbox containers nobody will remove: those of a dead worker on this host, those past
   * their lifetime whoever made them, and this service's own that a failed removal left behind.
   * Safe with several workers on one host. Call it when a worker starts. Returns how many it removed.
   */
  async reapOrphans(): Promise<number> {
    return reapOrphanContainers(this.docker, {
      owner: this.owner,
      isInUse: (id) => this.lifecycle.isInUse(id) || this.pools.holds(id),
      remove: (container) => this.lifecycle.remove(container),
      logger: this.logger,
    });
  }

  /**
   * How the pools served runs so far: acquisitions that got a ready container (hits) and those that
   * had to make one (misses), and how many are ready now; null for a pool that is off (size 0).
   */
  poolCounts(): Record<'run' | 'grading', SandboxPoolCounts | null> {
    return this.pools.counts();
  }

  /** Fills the pool now instead of on the first run (no-op without a pool). */
  async warmUp(): Promise<void> {
    await this.pools.fill();
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.pools.close(), ...this.removals]);
  }

  /** Resolves when the containers of runs that already returned are removed (or left to the reaper). */
  async settled(): Promise<void> {
    await Promise.all([...this.removals]);
  }

  /**
   * Runs one program. Never throws for what the program does, nor for infrastructure failures
   * (those come back as verdict sandbox_error, the only retriable one); throws SandboxRequestError
   * only for a malformed request (bad file path, empty argv, root user, reserved label, unknown privileges).
   */
  async run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    const { supervisor, limits, archive, extraLabels, startsAhead, ...program } = await normaliseRequest(request, this.bounds, this.owner);
    let container: Docker.Container | null = null;
    let startedAhead: StartedProgram | null;
    try {
      try {
        // Each kind of run has its own pool: plain containers have no capabilities at all.
        const pooled = await this.pools.acquire(supervisor, limits, archive, program, startsAhead);
        startedAhead = pooled?.startedAhead ?? null;
        container =
          pooled?.container ??
          (await this.lifecycle.createStarted({ limits, lifetimeSeconds: limits.timeSeconds + HOLDER_MARGIN_SECONDS, extraLabels, archive, supervisor }));
      } catch (error) {
        return failedRun(limits, `could not prepare the sandbox container: ${describeError(error)}`);
      }
      let record: ExecutionRecord;
      try {
        record = await runProgram(container, { ...program, limits }, this.memory, startedAhead ?? undefined);
      } catch (error) {
        return failedRun(limits, `the sandbox failed while the program ran: ${describeError(error)}`);
      }
      const oomKilled = (record.memory?.oomKills ?? 0) > 0 || (record.memory?.oomKills == null && (await this.memory.stateOomKilled(container)));
      return ranResult(record, limits, oomKilled);
    } finally {
      if (container && request.removeAfterReturn) {
        const removal: Promise<void> = this.lifecycle.remove(container).finally(() => this.removals.delete(removal));
        this.removals.add(removal);
      } else if (container) {
        await this.lifecycle.remove(container);
      }
      this.pools.replenish(supervisor);
    }
  }
}
