import { collectDefaultMetrics, Registry } from 'prom-client';
import { inApiCluster, joinClusterMetrics } from './cluster-metrics';

/** Which entry point a registry belongs to: the `service` label on every series it exports. */
export type MetricsService = 'api' | 'worker';

/**
 * The Prometheus registry of one process (one per Nest application, so tests that start several
 * apps in one process do not share counters; with API_PROCESSES > 1 the primary sums them up). It carries Node's default metrics — RSS
 * (process_resident_memory_bytes), heap, event-loop lag, GC — with the label service="api"|"worker".
 */
export class MetricsRegistry {
  readonly registry = new Registry();

  constructor(readonly service: MetricsService) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    // One of several API processes: the primary aggregates this registry with theirs for /metrics.
    if (service === 'api' && inApiCluster()) joinClusterMetrics(this.registry);
  }

  /** Whether /metrics must ask the primary for the metrics of all API processes. */
  get clustered(): boolean {
    return this.service === 'api' && inApiCluster();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
