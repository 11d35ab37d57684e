import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** An API process asks the primary for the metrics of all API processes (API_PROCESSES > 1). */
export const CLUSTER_METRICS_REQUEST = 'memgrade:cluster-metrics?';
export const CLUSTER_METRICS_RESPONSE = 'memgrade:cluster-metrics';
const TIMEOUT_MS = 10_000;

export interface ClusterMetricsResponse {
  type: typeof CLUSTER_METRICS_RESPONSE;
  requestId: number;
  text?: string;
  contentType?: string;
  error?: string;
}

/** Whether this process is one of several API processes under a primary (api-cluster.ts). */
export function inApiCluster(): boolean {
  return cluster.isWorker && process.env.MEMGRADE_API_WORKER === '1';
}

/**
 * In an API process of a cluster: offers `registry` to the primary's AggregatorRegistry (prom-client
 * answers its requests once an AggregatorRegistry exists in this process).
 */
export function joinClusterMetrics(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
}

let nextRequest = 0;

/** The metrics of every API process, aggregated by the primary (counters summed, gauges by their aggregator). */
export function clusterMetrics(): Promise<{ text: string; contentType: string }> {
  const requestId = nextRequest++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: ClusterMetricsResponse) => {
      if (message?.type !== CLUSTER_METRICS_RESPONSE || message.requestId !== requestId) return;
      done();
      if (message.error !== undefined || message.text === undefined) reject(new Error(`metrics of the API processes: ${message.error ?? 'no answer'}`));
      else resolve({ text: message.text, contentType: message.contentType ?? 'text/plain; version=0.0.4; charset=utf-8' });
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('metrics of the API processes: the primary did not answer'));
    }, TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      process.off('message', onMessage);
    };
    process.on('message', onMessage);
    process.send!({ type: CLUSTER_METRICS_REQUEST, requestId });
  });
}
