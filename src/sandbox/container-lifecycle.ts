import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@nestjs/common';
import type Docker from 'dockerode';
import { buildContainerSpec, sandboxLabels, TASK_DIR, type SandboxOwner } from './container-spec';
import { describeError } from './sandbox-errors';
import type { SandboxLimits } from './sandbox.types';

/** What a holder container is made for. */
export interface HolderOptions {
  limits: SandboxLimits;
  /** Seconds the idle holder sleeps before the container ends by itself. */
  lifetimeSeconds: number;
  extraLabels?: Record<string, string>;
  /** Made ahead of time for a pool (labelled so). */
  pooled?: boolean;
  /** The files, copied into /task before the start. */
  archive?: Buffer;
  /** With the supervisor's capabilities (grading runs). */
  supervisor?: boolean;
}

/**
 * Makes and removes sandbox containers, and knows which are in use (being made, running, being
 * removed) so that the orphan reaper leaves them alone.
 */
export class ContainerLifecycle {
  private readonly inUse = new Set<string>();

  constructor(
    private readonly docker: Docker,
    private readonly image: string,
    private readonly owner: SandboxOwner,
    private readonly logger: LoggerService,
  ) {}

  isInUse(id: string): boolean {
    return this.inUse.has(id);
  }

  /** Marks a container (one taken from a pool) as in use until remove(). */
  claim(container: Docker.Container): void {
    this.inUse.add(container.id);
  }

  /** Creates and starts a holder container (files copied in before start when given). Removes it again if any step fails. */
  async createStarted({ limits, lifetimeSeconds, extraLabels = {}, pooled = false, archive, supervisor = false }: HolderOptions): Promise<Docker.Container> {
    const spec = buildContainerSpec({
      image: this.image,
      limits,
      lifetimeSeconds,
      labels: sandboxLabels(this.owner, lifetimeSeconds, extraLabels, pooled),
      supervisor,
    });
    const container = await this.docker.createContainer(spec);
    this.inUse.add(container.id);
    try {
      if (archive) await container.putArchive(archive, { path: TASK_DIR });
      await container.start();
      return container;
    } catch (error) {
      await this.remove(container);
      throw error;
    }
  }

  /**
   * Kills and removes a container and its anonymous volume; retried, then left to the reaper (logged).
   * Either way it no longer counts as in use, so reapOrphans() will remove a leftover.
   */
  async remove(container: Docker.Container): Promise<void> {
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await container.remove({ force: true, v: true });
          return;
        } catch (error) {
          const status = (error as { statusCode?: number }).statusCode;
          if (status === 404) return;
          if (attempt >= 3) {
            this.logger.warn({ containerId: container.id.slice(0, 12), error: describeError(error) }, 'could not remove sandbox container (reapOrphans will)');
            return;
          }
          // 409 is "removal already in progress"; anything else may be a passing engine hiccup.
          await sleep(100 * attempt);
        }
      }
    } finally {
      this.inUse.delete(container.id);
    }
  }
}
