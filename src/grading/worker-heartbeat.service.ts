import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { within } from '../common/time/within';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_KEY_PREFIX, HEARTBEAT_TTL_SECONDS, type WorkerHeartbeat } from '../health/worker-heartbeat';
import { RedisService } from '../redis/redis.module';
import { SandboxService } from '../sandbox';
import { InfrastructureBreaker } from './infrastructure-breaker';

/** A ping slower than this reports the engine down (the beat must stay fresher than HEARTBEAT_STALE_MS). */
const PING_TIMEOUT_MS = 1_500;

/** Tells the API (through Redis) that this worker lives and whether its Docker engine answers. */
@Injectable()
export class WorkerHeartbeatService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeatService.name);
  private readonly workerId = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly redis: RedisService,
    private readonly sandbox: SandboxService,
    private readonly breaker: InfrastructureBreaker,
  ) {}

  onModuleInit(): void {
    let busy = false;
    const beat = () => {
      // A beat waiting on a slow engine is not overtaken by the next one.
      if (busy) return;
      busy = true;
      this.inFlight = this.beat().finally(() => {
        busy = false;
      });
    };
    beat();
    this.timer = setInterval(beat, HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // A beat still in flight must not write the key again after it is deleted.
    await this.inFlight;
    await this.redis.client.del(HEARTBEAT_KEY_PREFIX + this.workerId).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const heartbeat: WorkerHeartbeat = { workerId: this.workerId, host: hostname(), pid: process.pid, docker: 'up', at: '' };
    try {
      await within(this.sandbox.ping(), PING_TIMEOUT_MS, 'the Docker engine');
    } catch (error) {
      heartbeat.docker = 'down';
      heartbeat.dockerError = (error as Error).message;
    }
    heartbeat.at = new Date().toISOString();
    heartbeat.grading = this.breaker.isOpen ? 'paused' : 'running';
    if (this.breaker.openReason) heartbeat.pausedReason = this.breaker.openReason;
    if (this.stopped) return;
    try {
      await this.redis.client.set(HEARTBEAT_KEY_PREFIX + this.workerId, JSON.stringify(heartbeat), 'EX', HEARTBEAT_TTL_SECONDS);
    } catch (error) {
      this.logger.debug(`heartbeat not written: ${(error as Error).message}`);
    }
  }
}
