import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { WEBHOOKS_QUEUE, type DeliverWebhookPayload } from '../queue/queues';
import { RedisService } from '../redis/redis.module';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookDispatcher } from './webhook-dispatcher';

const SWEEP_EVERY_MS = 30_000;
/** A pending delivery younger than this is left to the dispatcher that created it. */
const PENDING_GRACE_MS = 60_000;
/** Deliveries looked at per pass, oldest first; the next pass takes the rest. */
const SWEEP_BATCH = 500;
const LOCK_KEY = 'memgrade:webhook-sweeper-lock';

/**
 * Postgres is the truth about deliveries still owed: a pending delivery whose job Redis does not
 * have (the enqueue timed out, Redis lost its data) is queued again. One worker sweeps at a time.
 */
@Injectable()
export class WebhookDeliverySweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliverySweeper.name);
  private stop?: () => void;

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly redis: RedisService,
    private readonly dispatcher: WebhookDispatcher,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhookPayload>,
  ) {}

  onModuleInit(): void {
    this.stop = this.redis.everyExclusively(
      LOCK_KEY,
      SWEEP_EVERY_MS,
      () => this.sweep(),
      (error) => this.logger.warn(`webhook sweep skipped: ${error.message}`),
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** One pass; returns how many deliveries it queued again. */
  async sweep(now = new Date()): Promise<number> {
    const pending = await this.deliveries.pendingIdsCreatedBefore(new Date(now.getTime() - PENDING_GRACE_MS), SWEEP_BATCH);
    const lost: string[] = [];
    for (const id of pending) {
      if ((await this.queue.getJobState(id)) === 'unknown') lost.push(id);
    }
    if (lost.length && (await this.dispatcher.enqueue(lost))) {
      this.logger.warn({ requeued: lost.length }, 'queued webhook deliveries whose job was lost');
    }
    return lost.length;
  }
}
