import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsRepository } from './analytics.repository';
import { AnalyticsService } from './analytics.service';

/** Per-test analytics for instructors: aggregated in SQL (analytics.repository.ts). */
@Module({
  imports: [AccessModule],
  controllers: [AnalyticsController],
  providers: [AnalyticsService, AnalyticsRepository],
})
export class AnalyticsModule {}
