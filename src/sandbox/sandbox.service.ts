import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type Docker from 'dockerode';
import { AppConfigService } from '../config/app-config';
import { readHostCgroupMemory, IN_CONTAINER_CGROUP_READ, parseInContainerCgroupRead, type CgroupMemoryReading } from './cgroup-memory';
import {
  buildContainerSpec,
  checkRunUser,
  DEFAULT_RUN_USER,
  KEEPER_USER,
  sandboxLabels,
  SUPERVISOR_USER,
  TASK_DIR,
  type SandboxOwner,
} from './container-spec';
import { DOCKER_CLIENT } from './docker-client';
import { currentProcessSpace, reapOrphanContainers } from './orphan-reaper';
import { OutputCapture } from './output-capture';
import { SandboxInfrastructureError, SandboxRequestError } from './sandbox-errors';
import { resolveSandboxImage } from './sandbox-image';
import { clampLimits, limitBoundsFromConfig, type SandboxLimitBounds } from './sandbox-limits';
import { SandboxPool } from './sandbox-pool';
import { classifyVerdict } from './sandbox-verdict';
import type { SandboxLimits, SandboxRunRequest, SandboxRunResult } from './sandbox.types';
import { buildTaskArchive } from './task-archive';

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

export interface SandboxPoolCounts {
  hits: number;
  misses: number;
  idle: number;
}

/** Seconds an idle holder outlives the run's own limit, so it is never the thing that ends a run. */
const HOLDER_MARGIN_SECONDS = 60;
/** How long we wait for the exec stream to close after killing a run. */
const AFTER_KILL_WAIT_MS = 3000;
/** How often a running program's exit is checked besides the end of its output stream. */
const EXIT_POLL_MS = 250;
/** Output still in flight when the exit is seen gets this long to arrive. */
const EXIT_DRAIN_MS = 200;

/** Everything the service learnt while one program ran. */
interface ExecutionRecord {
  killedFor: 'timeout' | 'output_limit' | null;
  exitCode: number | null;
  memory: CgroupMemoryReading | null;
  wallMs: number;
  capture: OutputCapture;
  error: string | null;
}

/**
 * Runs programs in throw-away Docker containers (docs/architecture.md, "The sandbox contract").
 *
 * One run: create a hardened container whose command is an idle holder; copy the files into /task;
 * start it; `docker exec` the program as a non-root user with the limits' clock running; stream and
 * cap its output; read the memory cgroup (peak, OOM kills) while the container still exists; remove
 * the container and its volume — on every path, including errors. With SANDBOX_POOL_SIZE > 0 the
 * create-and-start part is done ahead of time (each container still serves exactly one run).
 */
@Injectable()
export class SandboxService implements OnModuleDestroy {
  private readonly logger = new Logger(SandboxService.name);
  /** The image runs use. */
  readonly image: string;
  /** Identifies this service's containers; the reaper leaves a live owner's containers alone. */
  readonly owner: SandboxOwner;
  readonly bounds: SandboxLimitBounds;
  private readonly cgroupRoot: string | undefined;
  private readonly pool: SandboxPool | null;
  /** Pooled containers made with the supervisor's capabilities, for grading runs only. */
  private readonly gradingPool: SandboxPool | null;
  /** Containers of runs in progress; the reaper never touches them. */
  private readonly inFlight = new Set<string>();
  /** Removals of runs that returned already (removeAfterReturn). */
  private readonly removals = new Set<Promise<void>>();

  constructor(
    @Inject(DOCKER_CLIENT) private readonly docker: Docker,
    config: AppConfigService,
    @Optional() @Inject(SANDBOX_OPTIONS) options: SandboxOptions = {},
  ) {
    this.image = options.image ?? resolveSandboxImage(config.values.SANDBOX_IMAGE);
    this.bounds = limitBoundsFromConfig(config.values);
    this.cgroupRoot = options.cgroupRoot;
    this.owner = {
      workerId: `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`,
      hostname: hostname(),
      processSpace: currentProcessSpace(),
      pid: process.pid,
    };
    this.pool = this.makePool(options.poolSize ?? config.values.SANDBOX_POOL_SIZE, false);
    this.gradingPool = this.makePool(options.gradingPoolSize ?? config.values.SANDBOX_GRADING_POOL_SIZE, true);
  }

  private makePool(size: number, supervisor: boolean): SandboxPool | null {
    if (size <= 0) return null;
    return new SandboxPool({
      size,
      limits: this.bounds.defaults,
      // A pooled container may wait this long and still have the longest run's time left.
      maxIdleSeconds: 600,
      lifetimeSeconds: 600 + this.bounds.maxima.timeSeconds + HOLDER_MARGIN_SECONDS,
      create: (limits, lifetimeSeconds) => this.createStartedContainer(limits, lifetimeSeconds, {}, true, undefined, supervisor),
      remove: (container) => this.removeContainer(container),
      logger: this.logger,
    });
  }

  /** Resolves when the engine answers and the image is present; throws SandboxInfrastructureError otherwise. */
  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (error) {
      throw new SandboxInfrastructureError(`Docker engine does not answer: ${describe(error)}`);
    }
    try {
      await this.docker.getImage(this.image).inspect();
    } catch (error) {
      throw new SandboxInfrastructureError(`sandbox image ${this.image} is not available (build it with scripts/sandbox-image.sh): ${describe(error)}`);
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
      isInUse: (id) => this.inFlight.has(id) || (this.pool?.holds(id) ?? false) || (this.gradingPool?.holds(id) ?? false),
      remove: (container) => this.removeContainer(container),
      logger: this.logger,
    });
  }

  /**
   * How the pools served runs so far: acquisitions that got a ready container (hits) and those that
   * had to make one (misses), and how many are ready now; null for a pool that is off (size 0).
   */
  poolCounts(): Record<'run' | 'grading', SandboxPoolCounts | null> {
    const of = (pool: SandboxPool | null) => (pool ? { ...pool.counts, idle: pool.idleCount } : null);
    return { run: of(this.pool), grading: of(this.gradingPool) };
  }

  /** Fills the pool now instead of on the first run (no-op without a pool). */
  async warmUp(): Promise<void> {
    await Promise.all([this.pool?.fill(), this.gradingPool?.fill()]);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.pool?.close(), this.gradingPool?.close(), ...this.removals]);
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
    if (!Array.isArray(request.argv) || request.argv.length === 0 || request.argv.some((arg) => typeof arg !== 'string')) {
      throw new SandboxRequestError('argv must be a non-empty list of strings');
    }
    const supervisor = request.privileges === 'supervisor';
    if (request.privileges !== undefined && request.privileges !== 'none' && !supervisor) {
      throw new SandboxRequestError(`privileges must be 'none' or 'supervisor'`);
    }
    if (supervisor && request.user !== undefined) throw new SandboxRequestError("a 'supervisor' run always runs as root; leave user unset");
    const user = supervisor ? SUPERVISOR_USER : checkRunUser(request.user ?? DEFAULT_RUN_USER);
    const env = Object.entries(request.env ?? {}).map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new SandboxRequestError(`env name ${JSON.stringify(key)} is not valid`);
      return `${key}=${value}`;
    });
    const limits = clampLimits(request.limits, this.bounds);
    const archive = await buildTaskArchive(request.files, request.privateDirs);
    const extraLabels = request.labels ?? {};
    sandboxLabels(this.owner, 0, extraLabels); // validates the labels before anything is created

    let container: Docker.Container | null = null;
    try {
      try {
        // Each kind of run has its own pool: plain containers have no capabilities at all.
        const pooled = (await (supervisor ? this.gradingPool : this.pool)?.acquire(limits)) ?? null;
        if (pooled) {
          this.inFlight.add(pooled.id);
          try {
            await pooled.putArchive(archive, { path: TASK_DIR });
            container = pooled;
          } catch (error) {
            // A pooled container that went away (engine restart, someone's cleanup) is no reason to fail the run.
            this.logger.warn(`pooled sandbox container ${pooled.id.slice(0, 12)} unusable, making a fresh one: ${describe(error)}`);
            await this.removeContainer(pooled);
          }
        }
        container ??= await this.createStartedContainer(limits, limits.timeSeconds + HOLDER_MARGIN_SECONDS, extraLabels, false, archive, supervisor);
      } catch (error) {
        return failedRun(limits, `could not prepare the sandbox container: ${describe(error)}`);
      }
      let record: ExecutionRecord;
      try {
        record = await this.execute(container, request.argv, user, env, request.stdin, limits);
      } catch (error) {
        return failedRun(limits, `the sandbox failed while the program ran: ${describe(error)}`);
      }
      const oomKilled = (record.memory?.oomKills ?? 0) > 0 || (record.memory?.oomKills == null && (await this.stateOomKilled(container)));
      const verdict = classifyVerdict({ killedFor: record.killedFor, exitCode: record.exitCode, oomKilled, infrastructureError: record.error });
      return {
        verdict,
        exitCode: record.exitCode,
        oomKilled,
        ...record.capture.result(),
        wallMs: Math.round(record.wallMs),
        peakMemoryBytes: record.memory?.peakBytes ?? null,
        limits,
        ...(record.error ? { error: record.error } : {}),
      };
    } finally {
      if (container && request.removeAfterReturn) {
        const removal: Promise<void> = this.removeContainer(container).finally(() => this.removals.delete(removal));
        this.removals.add(removal);
      } else if (container) {
        await this.removeContainer(container);
      }
      (supervisor ? this.gradingPool : this.pool)?.replenish();
    }
  }

  /** Creates and starts a holder container (files copied in before start when given). Removes it again if any step fails. */
  private async createStartedContainer(
    limits: SandboxLimits,
    lifetimeSeconds: number,
    extraLabels: Record<string, string>,
    pooled: boolean,
    archive?: Buffer,
    supervisor = false,
  ): Promise<Docker.Container> {
    const spec = buildContainerSpec({
      image: this.image,
      limits,
      lifetimeSeconds,
      labels: sandboxLabels(this.owner, lifetimeSeconds, extraLabels, pooled),
      supervisor,
    });
    const container = await this.docker.createContainer(spec);
    this.inFlight.add(container.id);
    try {
      if (archive) await container.putArchive(archive, { path: TASK_DIR });
      await container.start();
      return container;
    } catch (error) {
      await this.removeContainer(container);
      throw error;
    }
  }

  /** Runs the program in a started container and observes it until it ends or we kill it. */
  private async execute(
    container: Docker.Container,
    argv: string[],
    user: string,
    env: string[],
    stdin: string | Buffer | undefined,
    limits: SandboxLimits,
  ): Promise<ExecutionRecord> {
    const hasStdin = stdin !== undefined;
    let exec: Docker.Exec;
    let stream: Duplex;
    try {
      exec = await container.exec({
        Cmd: argv,
        User: user,
        WorkingDir: TASK_DIR,
        Env: env,
        AttachStdin: hasStdin,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      stream = await exec.start({ hijack: true, stdin: hasStdin });
    } catch (error) {
      const capture = new OutputCapture(limits.outputBytes);
      return { killedFor: null, exitCode: null, memory: null, wallMs: 0, capture, error: `could not start the program: ${describe(error)}` };
    }
    const started = performance.now();

    // Mutated from callbacks (timer, output cap), so kept in an object rather than narrowed locals.
    const kill = {
      reason: null as ExecutionRecord['killedFor'],
      memoryBefore: null as CgroupMemoryReading | null,
      done: null as Promise<void> | null,
    };
    const killFor = (reason: 'timeout' | 'output_limit') => {
      if (kill.reason) return;
      kill.reason = reason;
      kill.done = (async () => {
        // The cgroup goes with the container's processes: read it first.
        kill.memoryBefore = await this.readMemory(container, { allowExec: false });
        await container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
        // Should the stream not end (engine trouble), stop waiting for it.
        setTimeout(() => stream.destroy(), AFTER_KILL_WAIT_MS).unref();
      })();
    };
    // Past the cap the capture keeps nothing more; the rest is read and dropped until the kill lands
    // (a pipe's worth), so the exec ends normally and its status stays known.
    const capture = new OutputCapture(limits.outputBytes, () => killFor('output_limit'));

    const ended = new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => capture.push(chunk));
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', () => resolve());
    });
    const timer = setTimeout(() => killFor('timeout'), limits.timeSeconds * 1000);
    if (hasStdin) {
      stream.write(stdin);
      // Half-close: the program sees EOF on stdin while its output keeps coming.
      stream.end();
    }

    // Usually the stream ends when the program does. A detached descendant holding its stdout keeps
    // the stream open (the daemon waits up to 2 s), so the exit is also watched for directly.
    const watch = { stopped: false };
    const exited = this.watchExit(exec, watch);
    await Promise.race([ended, exited.then(() => Promise.race([ended, sleep(EXIT_DRAIN_MS)]))]);
    watch.stopped = true;
    const wallMs = performance.now() - started;
    clearTimeout(timer);
    if (kill.done) await kill.done;
    if (!stream.destroyed) stream.destroy();

    let exitCode: number | null = null;
    let error: string | null = null;
    try {
      exitCode = await this.execExitCode(exec, kill.reason ? AFTER_KILL_WAIT_MS : 1000);
    } catch (inspectError) {
      error = `could not read the program's exit status: ${describe(inspectError)}`;
    }
    const killedFor = kill.reason;
    // After a kill the exit status may be lost with the container; the kill itself is the outcome.
    if (killedFor) error = null;
    const memory = killedFor ? kill.memoryBefore : await this.readMemory(container, { allowExec: true });
    return { killedFor, exitCode, memory, wallMs, capture, error };
  }

  /**
   * Resolves when the daemon reports the exec finished (polled; stops when `watch.stopped` is set).
   * "Not running" alone is not enough: under load the daemon answers the start request before the
   * process runs, and until then the exec is not running either — only an exit code means it ended.
   */
  private async watchExit(exec: Docker.Exec, watch: { stopped: boolean }): Promise<void> {
    for (;;) {
      await sleep(EXIT_POLL_MS);
      if (watch.stopped) return new Promise(() => undefined);
      try {
        const info = await exec.inspect();
        if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return;
      } catch {
        // The container may be going away (a kill); the stream's end covers that.
      }
    }
  }

  /** The exec's exit status, waiting briefly for the daemon to record it; null if it never does. */
  private async execExitCode(exec: Docker.Exec, waitMs: number): Promise<number | null> {
    const deadline = performance.now() + waitMs;
    for (;;) {
      const info = await exec.inspect();
      if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
      if (performance.now() >= deadline) return null;
      await sleep(20);
    }
  }

  /**
   * Peak memory and OOM kills of the container's cgroup: from the host's /sys/fs/cgroup when this
   * process can see it, otherwise (remote engine) by exec'ing a reader as the keeper user inside.
   */
  private async readMemory(container: Docker.Container, { allowExec }: { allowExec: boolean }): Promise<CgroupMemoryReading | null> {
    const fromHost = await readHostCgroupMemory(container.id, this.cgroupRoot);
    if (fromHost || !allowExec) return fromHost;
    try {
      const reader = await container.exec({ Cmd: IN_CONTAINER_CGROUP_READ, User: KEEPER_USER, AttachStdout: true, AttachStderr: true });
      const stream = await reader.start({ hijack: true, stdin: false });
      const capture = new OutputCapture(64 * 1024);
      await withTimeout(
        new Promise<void>((resolve) => {
          stream.on('data', (chunk: Buffer) => capture.push(chunk));
          stream.once('end', resolve);
          stream.once('close', resolve);
          stream.once('error', () => resolve());
        }),
        2000,
      );
      stream.destroy();
      return parseInContainerCgroupRead(capture.result().stdout);
    } catch {
      return null;
    }
  }

  private async stateOomKilled(container: Docker.Container): Promise<boolean> {
    try {
      return (await container.inspect()).State.OOMKilled === true;
    } catch {
      return false;
    }
  }

  /**
   * Kills and removes a container and its anonymous volume; retried, then left to the reaper (logged).
   * Either way it no longer counts as in use, so reapOrphans() will remove a leftover.
   */
  private async removeContainer(container: Docker.Container): Promise<void> {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await container.remove({ force: true, v: true });
          return;
        } catch (error) {
          const status = (error as { statusCode?: number }).statusCode;
          if (status === 404) return;
          if (attempt >= 3) {
            this.logger.warn(`could not remove sandbox container ${container.id.slice(0, 12)}: ${describe(error)} (reapOrphans will)`);
            return;
          }
          // 409 is "removal already in progress"; anything else may be a passing engine hiccup.
          await sleep(100 * attempt);
        }
      }
    } finally {
      this.inFlight.delete(container.id);
    }
  }
}

function failedRun(limits: SandboxLimits, error: string): SandboxRunResult {
  return {
    verdict: 'sandbox_error',
    exitCode: null,
    oomKilled: false,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    wallMs: 0,
    peakMemoryBytes: null,
    limits,
    error,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
