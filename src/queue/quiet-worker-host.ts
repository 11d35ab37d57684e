import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import { closeWorker } from './close-worker';
import { JobsInProgress } from './jobs-in-progress';
import { throttledWarning } from './queue-error-logger';

/**
 * The base of every BullMQ processor here. It closes its worker before the database, in a way that
 * cannot hang (onModuleDestroy), and listens for its worker's "error" events: a worker emits one on
 * every failed reconnect while Redis is away, and without a listener BullMQ prints each to the
 * console. One warning per worker per 30 s is enough (as logQueueErrors does for queues): /health
 * says more.
 */
export abstract class QuietWorkerHost extends WorkerHost implements OnModuleDestroy {
  private readonly warn = throttledWarning(new Logger('Workers'));

  /** Set once the close began: nothing may resume the worker after that. */
  protected closing = false;

  private readonly jobs = new JobsInProgress();

  /** What one job of this queue does. */
  protected abstract handle(job: Job, token?: string): Promise<unknown>;

  /** BullMQ's entry for each job; counted, so that a close can tell when this process runs none. */
  process(job: Job, token?: string): Promise<unknown> {
    return this.jobs.run(() => this.handle(job, token));
  }

  /**
   * Lets running jobs finish and takes no new ones while the database is still connected, so the
   * last jobs can record themselves: @nestjs/bullmq would close the worker only at application
   * shutdown, after Prisma has disconnected. closeWorker says why not worker.close().
   */
  async onModuleDestroy(): Promise<void> {
    this.closing = true;
    await closeWorker(this.worker, this.jobs);
  }

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.warn(`worker ${this.worker.name}: ${error.message}`);
  }
}
