import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { QueueMetricsCollector } from './queue-metrics.collector';

/** The API's /metrics: Node's default metrics and the queues' depth, read when Prometheus scrapes. */
@Module({
  controllers: [MetricsController],
  providers: [{ provide: MetricsRegistry, useFactory: () => new MetricsRegistry('api') }, QueueMetricsCollector],
})
export class MetricsModule {}
