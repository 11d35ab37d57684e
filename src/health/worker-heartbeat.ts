/** What each worker writes to Redis every few seconds, so the API can report docker without touching it. */
export interface WorkerHeartbeat {
  workerId: string;
  host: string;
  pid: number;
  docker: 'up' | 'down';
  dockerError?: string;
  at: string;
}

export const HEARTBEAT_KEY_PREFIX = 'memgrade:workers:';
export const HEARTBEAT_INTERVAL_MS = 3_000;
/** A worker not heard from for this long is taken for dead. */
export const HEARTBEAT_TTL_SECONDS = 10;
