import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';

const QUIET_MS = 30_000;

/**
 * A BullMQ worker host that listens for its worker's "error" events: a worker emits one on every
 * failed reconnect while Redis is away, and without a listener BullMQ prints each to the console.
 * One warning per worker per 30 s is enough (as logQueueErrors does for queues): /health says more.
 */
export abstract class QuietWorkerHost extends WorkerHost {
  private readonly errorLogger = new Logger('Workers');
  private errorLoggedAt = 0;

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    if (Date.now() - this.errorLoggedAt < QUIET_MS) return;
    this.errorLoggedAt = Date.now();
    this.errorLogger.warn(`worker ${this.worker.name}: ${error.message}`);
  }
}
