/** What each worker writes to Redis every few seconds, so the API can report docker without touching it. */
export interface WorkerHeartbeat {
  workerId: string;
  host: string;
  pid: number;
  docker: 'up' | 'down';
  dockerError?: string;
  /** 'paused' while the worker's circuit breaker holds grading back because a dependency is down. */
  grading?: 'running' | 'paused';
  pausedReason?: string;
  at: string;
}

export const HEARTBEAT_KEY_PREFIX = 'memgrade:workers:';
export const HEARTBEAT_INTERVAL_MS = 1_000;
/** The key expires this long after the last beat (a worker killed without a word disappears by then). */
export const HEARTBEAT_TTL_SECONDS = 4;
/** A beat older than this is not counted, whatever its key's TTL says: /health drops a silent worker within it. */
export const HEARTBEAT_STALE_MS = 3_000;
