import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { GRADING_QUEUE, WEBHOOKS_QUEUE } from './queues';
import { TRY_RUNS_QUEUE } from './try-runs';

const QUIET_MS = 30_000;

/**
 * BullMQ queues emit "error" on every failed reconnect while Redis is away; without a listener
 * BullMQ prints each one to the console. One warning per queue per 30 s is enough: /health says more.
 */
export function logQueueErrors(queue: Queue, logger: Logger = new Logger('Queues')): void {
  const warn = throttledWarning(logger);
  queue.on('error', (error: Error) => warn(`queue ${queue.name}: ${error.message}`));
}

/** A warning that is logged at most once per 30 s (BullMQ queues and workers repeat their errors while Redis is away). */
export function throttledWarning(logger: Logger): (message: string) => void {
  let lastLogged = 0;
  return (message) => {
    if (Date.now() - lastLogged < QUIET_MS) return;
    lastLogged = Date.now();
    logger.warn(message);
  };
}

/** The listener for the queues this module registers (a module that registers its own, e.g. LTI's, calls logQueueErrors). */
@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  constructor(
    @InjectQueue(GRADING_QUEUE) private readonly grading: Queue,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly webhooks: Queue,
    @InjectQueue(TRY_RUNS_QUEUE) private readonly tryRuns: Queue,
  ) {}

  onModuleInit(): void {
    for (const queue of [this.grading, this.webhooks, this.tryRuns]) logQueueErrors(queue);
  }
}
