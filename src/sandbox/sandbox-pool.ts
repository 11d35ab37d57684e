import type { LoggerService } from '@nestjs/common';
import type Docker from 'dockerode';
import type { SandboxLimits } from './sandbox.types';

interface PooledContainer {
  container: Docker.Container;
  createdAt: number;
}

export interface SandboxPoolOptions {
  size: number;
  /** Limits pooled containers are made with (the defaults); other limits are applied with `docker update`. */
  limits: SandboxLimits;
  /** An idle container older than this is replaced, so that its holder still outlives the longest run. */
  maxIdleSeconds: number;
  lifetimeSeconds: number;
  create: (limits: SandboxLimits, lifetimeSeconds: number) => Promise<Docker.Container>;
  remove: (container: Docker.Container) => Promise<void>;
  logger: LoggerService;
}

/**
 * Started, idle, single-use containers (measured: `docker exec` into a running container starts a
 * program ≈ 0.15 s sooner than creating and starting one). A container leaves the pool for exactly
 * one run and is destroyed after it like any other: nothing a program did can reach the next one.
 * The pool refills in the background after each acquisition.
 */
export class SandboxPool {
  private readonly idle: PooledContainer[] = [];
  private readonly pending = new Set<Promise<void>>();
  private closed = false;
  /** Acquisitions that found a ready container, and those that did not (the run made its own): for metrics. */
  readonly counts = { hits: 0, misses: 0 };

  constructor(private readonly options: SandboxPoolOptions) {}

  holds(id: string): boolean {
    return this.idle.some((entry) => entry.container.id === id);
  }

  /**
   * A started container with these limits, or null when none is ready (the caller makes one).
   * Labels cannot be added to an existing container, so pooled runs carry only the sandbox's own.
   */
  async acquire(limits: SandboxLimits): Promise<Docker.Container | null> {
    const now = Date.now();
    while (this.idle.length > 0) {
      const entry = this.idle.shift()!;
      if (now - entry.createdAt > this.options.maxIdleSeconds * 1000) {
        void this.options.remove(entry.container);
        continue;
      }
      if (!sameResources(limits, this.options.limits)) {
        try {
          const memory = limits.memoryMiB * 1024 * 1024;
          await entry.container.update({ Memory: memory, MemorySwap: memory, NanoCpus: Math.round(limits.cpus * 1e9), PidsLimit: limits.pids });
        } catch (error) {
          this.options.logger.warn?.(`could not resize a pooled sandbox container: ${(error as Error).message}`);
          void this.options.remove(entry.container);
          this.counts.misses++;
          return null;
        }
      }
      this.counts.hits++;
      return entry.container;
    }
    this.counts.misses++;
    return null;
  }

  /** Ready containers now. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Starts making containers until the pool (with those being made) is full again. Does not wait. */
  replenish(): void {
    while (!this.closed && this.idle.length + this.pending.size < this.options.size) {
      const making: Promise<void> = this.options
        .create(this.options.limits, this.options.lifetimeSeconds)
        .then(async (container) => {
          if (this.closed) await this.options.remove(container);
          else this.idle.push({ container, createdAt: Date.now() });
        })
        .catch((error: Error) => this.options.logger.warn?.(`could not make a pooled sandbox container: ${error.message}`))
        .finally(() => this.pending.delete(making));
      this.pending.add(making);
    }
  }

  /** Fills the pool and waits until it is full (or the attempts failed). */
  async fill(): Promise<void> {
    this.replenish();
    await Promise.all([...this.pending]);
  }

  /** Removes every idle container and stops refilling. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pending]);
    const idle = this.idle.splice(0);
    await Promise.all(idle.map((entry) => this.options.remove(entry.container)));
  }
}

function sameResources(a: SandboxLimits, b: SandboxLimits): boolean {
  return a.memoryMiB === b.memoryMiB && a.cpus === b.cpus && a.pids === b.pids;
}
