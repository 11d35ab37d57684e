import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfigService } from '../config/app-config';
import { SandboxService } from '../sandbox';
import { InfrastructureBreaker } from './infrastructure-breaker';

/**
 * Removes orphaned sandbox containers (by their labels: see src/sandbox/orphan-reaper.ts) not only
 * when a worker starts but continuously: every SANDBOX_REAP_INTERVAL_SECONDS, and as soon as the
 * breaker closes after an outage (a Docker engine that restarted may hand back containers whose
 * runs ended while it was gone).
 */
@Injectable()
export class OrphanReaperService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OrphanReaperService.name);
  private timer?: NodeJS.Timeout;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly sandbox: SandboxService,
    private readonly config: AppConfigService,
    private readonly breaker: InfrastructureBreaker,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.reap(), this.config.values.SANDBOX_REAP_INTERVAL_SECONDS * 1000);
    this.timer.unref();
    this.breaker.subscribe({ onOpen: () => undefined, onClose: () => void this.reap() });
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One pass (a pass already under way is joined, not doubled); how many containers it removed. */
  async reap(): Promise<number> {
    if (this.stopped) return 0;
    this.running ??= this.sandbox
      .reapOrphans()
      .catch((error: Error) => {
        this.logger.debug(`orphan reaping skipped: ${error.message}`);
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
