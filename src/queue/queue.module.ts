import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfigService } from '../config/app-config';
import { QueueErrorLogger } from './queue-error-logger';
import { GRADING_QUEUE, gradingJobOptions, WEBHOOKS_QUEUE, webhookJobOptions } from './queues';
import { TRY_RUNS_QUEUE, tryRunJobOptions } from './try-runs';

/**
 * How long a BullMQ connection waits before its next attempt to reach Redis. BullMQ's own default
 * grows to 20 s (e^attempt), so a worker could take 20 s after Redis came back to take jobs again;
 * a 2 s ceiling costs one connection attempt per 2 s while Redis is away.
 */
export const reconnectDelayMs = (attempt: number): number => Math.min(250 * attempt, 2_000);

/** The options of every BullMQ connection (queues and workers) to the Redis at `url`. */
export const bullConnection = (url: string) => ({ url, maxRetriesPerRequest: null, retryStrategy: reconnectDelayMs });

/** The BullMQ connection and queues, shared by the API (producer) and the worker (consumer). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        connection: bullConnection(config.values.REDIS_URL),
        prefix: 'memgrade',
      }),
    }),
    BullModule.registerQueue(
      { name: GRADING_QUEUE, defaultJobOptions: gradingJobOptions },
      { name: WEBHOOKS_QUEUE, defaultJobOptions: webhookJobOptions },
      { name: TRY_RUNS_QUEUE, defaultJobOptions: tryRunJobOptions },
    ),
  ],
  providers: [QueueErrorLogger],
  exports: [BullModule],
})
export class QueueModule {}
