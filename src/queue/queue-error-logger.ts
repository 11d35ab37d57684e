import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { GRADING_QUEUE, WEBHOOKS_QUEUE } from './queues';

const QUIET_MS = 30_000;

/**
 * BullMQ queues emit "error" on every failed reconnect while Redis is away; without a listener
 * BullMQ prints each one to the console. One warning per queue per 30 s is enough: /health says more.
 */
@Injectable()
export class QueueErrorLogger implements OnModuleInit {
  private readonly logger = new Logger('Queues');

  constructor(
    @InjectQueue(GRADING_QUEUE) private readonly grading: Queue,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly webhooks: Queue,
  ) {}

  onModuleInit(): void {
    for (const queue of [this.grading, this.webhooks]) {
      let lastLogged = 0;
      queue.on('error', (error: Error) => {
        if (Date.now() - lastLogged < QUIET_MS) return;
        lastLogged = Date.now();
        this.logger.warn(`queue ${queue.name}: ${error.message}`);
      });
    }
  }
}
