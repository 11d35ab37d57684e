import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AdminQueuesModule } from './admin-queues/admin-queues.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuthModule } from './auth/auth.module';
import { CoursesModule } from './courses/courses.module';
import { ErrorFilter } from './common/http/error.filter';
import { OutboundHttpModule } from './common/http/outbound-http.module';
import { ConfigModule } from './config/config.module';
import type { AppConfig } from './config/config.schema';
import { DatabaseModule } from './database/database.module';
import { DeadlinesModule } from './deadlines/deadlines.module';
import { EventsModule } from './events/events.module';
import { ExercisesModule } from './exercises/exercises.module';
import { GradebookModule } from './gradebook/gradebook.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { LtiModule } from './lti/lti.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueModule } from './queue/queue.module';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RedisModule } from './redis/redis.module';
import { SubmissionsModule } from './submissions/submissions.module';
import { TryRunsModule } from './try-runs/try-runs.module';
import { UsersModule } from './users/users.module';
import { WebModule } from './web/web.module';
import { WebhooksApiModule } from './webhooks/webhooks.module';

/** The HTTP API. It never talks to Docker: grading happens in the worker (worker.module.ts). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        OutboundHttpModule,
        LoggingModule,
        DatabaseModule,
        RedisModule,
        EventsModule,
        QueueModule,
        AuthModule,
        HealthModule,
        UsersModule,
        CoursesModule,
        ExercisesModule,
        DeadlinesModule,
        SubmissionsModule,
        TryRunsModule,
        RateLimitModule,
        WebhooksApiModule,
        GradebookModule,
        AnalyticsModule,
        LtiModule,
        WebModule,
        // Operating numbers (issue 11)
        MetricsModule,
        AdminQueuesModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ErrorFilter }],
    };
  }
}
