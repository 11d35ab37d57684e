import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { throttledWarning } from './queue-error-logger';

/**
 * A BullMQ worker host that listens for its worker's "error" events: a worker emits one on every
 * failed reconnect while Redis is away, and without a listener BullMQ prints each to the console.
 * One warning per worker per 30 s is enough (as logQueueErrors does for queues): /health says more.
 */
export abstract class QuietWorkerHost extends WorkerHost {
  private readonly warn = throttledWarning(new Logger('Workers'));

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.warn(`worker ${this.worker.name}: ${error.message}`);
  }
}
