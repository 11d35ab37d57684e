import { type DynamicModule, Module } from '@nestjs/common';
import { OutboundHttpModule } from './common/http/outbound-http.module';
import { BackpressureWorkerModule } from './backpressure/backpressure-worker.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/config.schema';
import { DatabaseModule } from './database/database.module';
import { EventsModule, OutboxRelayModule } from './events/events.module';
import { GradingModule } from './grading/grading.module';
import { WorkerLoggingModule } from './logging/worker-logging.module';
import { LtiWorkerModule } from './lti/lti.module';
import { WorkerMetricsModule } from './metrics/worker-metrics.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';
import { WebhookDeliveryModule } from './webhooks/webhooks.module';

/** The worker: an application context without HTTP that grades submissions in the sandbox. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        OutboundHttpModule,
        WorkerLoggingModule,
        DatabaseModule,
        RedisModule,
        EventsModule,
        OutboxRelayModule,
        QueueModule,
        GradingModule,
        WebhookDeliveryModule,
        LtiWorkerModule,
        WorkerMetricsModule,
        BackpressureWorkerModule,
      ],
    };
  }
}
