import { Module } from '@nestjs/common';
import { DomainEventMetrics } from './domain-event-metrics';
import { MetricsRegistry } from './metrics-registry';
import { WorkerMetrics } from './worker-metrics';
import { WorkerMetricsListener } from './worker-metrics.listener';
import { WorkerMetricsRepository } from './worker-metrics.repository';
import { WorkerMetricsServer } from './worker-metrics.server';

/** The worker's metrics: recorded from its BullMQ workers' events, served on WORKER_METRICS_PORT. */
@Module({
  providers: [
    { provide: MetricsRegistry, useFactory: () => new MetricsRegistry('worker') },
    { provide: WorkerMetrics, inject: [MetricsRegistry], useFactory: (registry: MetricsRegistry) => new WorkerMetrics(registry) },
    WorkerMetricsListener,
    WorkerMetricsRepository,
    DomainEventMetrics,
    WorkerMetricsServer,
  ],
  exports: [WorkerMetricsServer],
})
export class WorkerMetricsModule {}
