import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry } from 'prom-client';
import { CLUSTER_METRICS_REQUEST, CLUSTER_METRICS_RESPONSE, type ClusterMetricsResponse } from './metrics/cluster-metrics';

/** How many API processes API_PROCESSES asks for (0: one per core). */
export function apiProcessCount(configured: number): number {
  return configured === 0 ? availableParallelism() : configured;
}

/** Set in the environment of the process that does the one-time start-up (admin key, catalog) before the API processes start. */
export const START_UP_PROCESS = 'MEMGRADE_API_START_UP';

/** A worker that dies this soon after its start is not restarted: it would die again (a bad port, a bad config). */
const CRASH_LOOP_MS = 5_000;

/**
 * The primary of API_PROCESSES > 1: forks the HTTP processes (they share PORT through node:cluster,
 * which hands each new connection to the next), restarts one that dies, answers their /metrics with
 * the metrics of all of them (prom-client's AggregatorRegistry), and on SIGTERM/SIGINT stops them
 * and exits once all have ended. First, one process does the one-time start-up (admin key,
 * catalog) and exits: the primary itself never builds the application (no pools, no connections).
 */
export function runApiPrimary(processes: number, log: (line: string) => void): void {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const started = new Map<number, number>();
  const fork = () => {
    const worker = cluster.fork({ MEMGRADE_API_WORKER: '1' });
    started.set(worker.id, Date.now());
  };
  const exitWhenNoneLeft = () => {
    if (!Object.keys(cluster.workers ?? {}).length) process.exit(0);
  };
  const stop = (code = 0) => {
    if (stopping) process.exit(code || 128 + 15);
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (!workers.length) process.exit(code);
    // Each finishes its requests and closes its connections (closeOnSignals), then exits.
    for (const worker of workers) worker?.process.kill('SIGTERM');
  };
  cluster.on('message', (worker: Worker, message: { type?: string; requestId?: number }) => {
    if (message?.type !== CLUSTER_METRICS_REQUEST) return;
    const reply = (response: Omit<ClusterMetricsResponse, 'type' | 'requestId'>) => {
      if (worker.isConnected()) worker.send({ type: CLUSTER_METRICS_RESPONSE, requestId: message.requestId, ...response });
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text, contentType: aggregator.contentType }),
      (error: Error) => reply({ error: error.message }),
    );
  });
  cluster.on('exit', (worker, code, signal) => {
    if (worker.id === startUp.id) {
      if (stopping) return exitWhenNoneLeft();
      if (code !== 0) {
        log(`memgrade: the API's start-up failed (${signal ?? code})`);
        process.exit(code || 1);
      }
      for (let i = 0; i < processes; i++) fork();
      return;
    }
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    if (stopping) return exitWhenNoneLeft();
    if (lived < CRASH_LOOP_MS) {
      log(`memgrade: API process ${worker.process.pid} ended at start (${signal ?? code}); stopping`);
      stop(1);
      return;
    }
    log(`memgrade: API process ${worker.process.pid} ended (${signal ?? code}); starting another`);
    fork();
  });
  process.on('SIGTERM', () => stop());
  process.on('SIGINT', () => stop());
  const startUp = cluster.fork({ [START_UP_PROCESS]: '1' });
}
