/** What a queued submission's view says about its place in the queue (GET /api/v1/submissions/{id}, field `queue`). */
export interface QueuePlace {
  /** waiting: ready to run, in line; retrying: an infrastructure failure, waiting out its backoff; unknown: Redis could not tell. */
  state: 'waiting' | 'retrying' | 'unknown';
  /** 1 = the next job a free worker takes; null unless waiting. */
  position: number | null;
  /** Jobs that run before it. */
  ahead: number | null;
  /** Seconds until a worker is expected to start grading it; null when no worker is running or the place is unknown. */
  estimatedWaitSeconds: number | null;
  /** Workers alive and the submissions they grade at once in all. */
  workers: number;
  slots: number;
  /** Mean grading time of recently graded submissions (seconds), the basis of the estimate. */
  recentGradingSeconds: number | null;
}

export interface EstimateInput {
  /** Jobs ahead of this one in the line. */
  ahead: number;
  /** Grading slots of the live workers (sum of their concurrency). */
  slots: number;
  /** Jobs being graded now. */
  active: number;
  /** Mean time one grading takes. */
  meanGradingMs: number;
}

/**
 * Seconds until grading starts. Free slots take the first jobs at once; beyond them, with every slot
 * busy, one slot frees every mean/slots on average, and this job needs (ahead + 1 − free) of them.
 * Null when no worker is running: nothing would start it.
 */
export function estimateWaitSeconds({ ahead, slots, active, meanGradingMs }: EstimateInput): number | null {
  if (slots <= 0) return null;
  const free = Math.max(0, slots - active);
  if (ahead < free) return 0;
  const frees = ahead + 1 - free;
  return Math.round((frees * meanGradingMs) / slots / 100) / 10;
}
