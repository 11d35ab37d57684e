import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { within } from '../common/time/within';
import { DatabaseProbe } from '../database/database-probe';
import { isDatabaseUnavailable, isRedisUnavailable } from '../database/prisma-errors';
import { RedisService } from '../redis/redis.module';
import { SandboxInfrastructureError, SandboxService } from '../sandbox';
import { InfrastructureError } from '../results/grade-outcome';

export type Dependency = 'postgres' | 'redis' | 'docker';

/** How often an open breaker asks the dependencies whether they are back. */
export const PROBE_EVERY_MS = 1_000;
const PROBE_TIMEOUT_MS = 2_000;

export interface BreakerListener {
  /** A dependency is down: stop taking jobs. */
  onOpen(reason: string): void;
  /** Every dependency answers again: take jobs again. */
  onClose(downForMs: number): void;
}

/**
 * The worker's circuit breaker for infrastructure it cannot grade without (Postgres, Redis, the
 * Docker engine and its image). A job that fails in a way that may be the infrastructure's asks
 * `outage()`: a probe of every dependency. When one is down the breaker opens — listeners (the
 * grading processor) pause taking jobs — and probes every PROBE_EVERY_MS until all answer, then
 * closes and listeners resume. While it is open, failing jobs are postponed without spending one of
 * their attempts, so an outage is not the student's problem.
 */
@Injectable()
export class InfrastructureBreaker implements OnApplicationShutdown {
  private readonly logger = new Logger(InfrastructureBreaker.name);
  private readonly listeners: BreakerListener[] = [];
  private openedAt: number | null = null;
  private reason: string | null = null;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly database: DatabaseProbe,
    private readonly redis: RedisService,
    private readonly sandbox: SandboxService,
  ) {}

  subscribe(listener: BreakerListener): void {
    this.listeners.push(listener);
  }

  get isOpen(): boolean {
    return this.openedAt !== null;
  }

  /** Why the breaker is open, or null. */
  get openReason(): string | null {
    return this.reason;
  }

  /** Whether this error may be the infrastructure's (worth a probe) rather than a grading outcome. */
  static mayBeInfrastructure(error: unknown): boolean {
    return error instanceof InfrastructureError || error instanceof SandboxInfrastructureError || isDatabaseUnavailable(error) || isRedisUnavailable(error);
  }

  /** Probes every dependency; the first one down and why, or null when all answer. */
  async probe(): Promise<{ dependency: Dependency; error: string } | null> {
    const checks: [Dependency, () => Promise<unknown>][] = [
      ['postgres', () => this.database.ping()],
      ['redis', () => this.redis.ping()],
      ['docker', () => this.sandbox.ping()],
    ];
    const results = await Promise.all(checks.map(async ([dependency, check]) => ({ dependency, error: await failureOf(check, dependency) })));
    const down = results.find((result) => result.error !== null);
    return down ? { dependency: down.dependency, error: down.error! } : null;
  }

  /**
   * After a failure that may be the infrastructure's: probes, and opens the breaker when a
   * dependency is down. Returns the reason ("docker is down: …") or null when everything answers
   * (then the failure was not an outage and counts as an attempt).
   */
  async outage(): Promise<string | null> {
    if (this.isOpen) return this.reason;
    const down = await this.probe();
    if (!down) return null;
    this.open(`${down.dependency} is down: ${down.error}`);
    return this.reason;
  }

  /** Opens the breaker (idempotent) and starts probing for recovery. */
  open(reason: string): void {
    if (this.isOpen || this.stopped) return;
    this.openedAt = Date.now();
    this.reason = reason;
    this.logger.warn(`infrastructure down, pausing grading: ${reason}`);
    for (const listener of this.listeners) safely(() => listener.onOpen(reason), this.logger);
    this.scheduleProbe();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private scheduleProbe(): void {
    this.timer = setTimeout(() => void this.probeForRecovery(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  private async probeForRecovery(): Promise<void> {
    if (this.stopped || !this.isOpen) return;
    const down = await this.probe().catch((error: Error) => ({ dependency: 'redis' as const, error: error.message }));
    if (down) {
      this.reason = `${down.dependency} is down: ${down.error}`;
      return this.scheduleProbe();
    }
    const downForMs = Date.now() - this.openedAt!;
    this.openedAt = null;
    this.reason = null;
    this.logger.log(`infrastructure back after ${Math.round(downForMs / 1000)} s; grading resumes`);
    for (const listener of this.listeners) safely(() => listener.onClose(downForMs), this.logger);
  }
}

async function failureOf(check: () => Promise<unknown>, what: string): Promise<string | null> {
  try {
    await within(check(), PROBE_TIMEOUT_MS, what);
    return null;
  } catch (error) {
    const lines = ((error as Error).message || String(error))
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return lines.at(-1) ?? 'unknown error';
  }
}

function safely(action: () => void, logger: Logger): void {
  try {
    action();
  } catch (error) {
    logger.warn(`breaker listener failed: ${(error as Error).message}`);
  }
}
