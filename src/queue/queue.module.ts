import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { AppConfigService } from '../config/app-config';
import { QueueErrorLogger } from './queue-error-logger';
import { GRADING_QUEUE, gradingJobOptions, WEBHOOKS_QUEUE, webhookJobOptions } from './queues';
import { TRY_RUNS_QUEUE, tryRunJobOptions } from './try-runs';

/** The BullMQ connection and queues, shared by the API (producer) and the worker (consumer). */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        connection: { url: config.values.REDIS_URL, maxRetriesPerRequest: null },
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
