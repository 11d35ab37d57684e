import { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry';

const SECONDS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 21, 34, 60, 120, 300];
const WAIT_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Hits, misses and ready containers of each warm pool; null for a pool that is off. */
export type PoolCounts = Record<string, { hits: number; misses: number; idle: number } | null>;

/** Every series a worker records, in one place (README "Metrics" lists them). */
export class WorkerMetrics {
  readonly queueWait: Histogram<'queue' | 'job'>;
  readonly gradingDuration: Histogram<'exercise'>;
  readonly turnaround: Histogram<'exercise'>;
  readonly verdicts: Counter<'verdict'>;
  readonly gradingFailures: Counter<'error'>;
  readonly sandboxErrors: Counter;
  readonly submissionsFailed: Counter;
  readonly webhookLag: Histogram;
  readonly webhookDeliveries: Counter<'result'>;
  readonly concurrency: Gauge;
  readonly poolAcquisitions: Counter<'pool' | 'result'>;
  readonly poolReady: Gauge<'pool'>;
  readonly lmsScoreLag: Histogram;
  readonly lmsScorePosts: Counter<'result'>;
  readonly domainEventLag: Histogram<'type'>;
  /** Where the warm pools' counts come from (the worker's sandbox); read at every scrape. */
  private poolSource: (() => PoolCounts) | null = null;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.queueWait = new Histogram({
      name: 'memgrade_queue_wait_seconds',
      help: 'Time from a job being queued to a worker starting it (first attempts only)',
      labelNames: ['queue', 'job'],
      buckets: WAIT_SECONDS,
      registers,
    });
    this.gradingDuration = new Histogram({
      name: 'memgrade_grading_duration_seconds',
      help: 'Time a worker spent grading one submission (running → graded), per exercise ("course/slug")',
      labelNames: ['exercise'],
      buckets: SECONDS,
      registers,
    });
    this.turnaround = new Histogram({
      name: 'memgrade_submission_turnaround_seconds',
      help: 'Time from a submission being accepted to it being graded (queue wait included), per exercise',
      labelNames: ['exercise'],
      buckets: WAIT_SECONDS,
      registers,
    });
    this.verdicts = new Counter({ name: 'memgrade_grading_verdicts_total', help: 'Graded submissions by verdict', labelNames: ['verdict'], registers });
    this.gradingFailures = new Counter({
      name: 'memgrade_grading_attempt_failures_total',
      help: 'Grading attempts that failed (retried unless spent), by error class',
      labelNames: ['error'],
      registers,
    });
    this.sandboxErrors = new Counter({
      name: 'memgrade_sandbox_errors_total',
      help: 'Grading attempts that failed because of the sandbox or harness infrastructure (verdict sandbox_error; retried)',
      registers,
    });
    this.submissionsFailed = new Counter({
      name: 'memgrade_submissions_failed_total',
      help: 'Submissions ended as error because grading failed for good (retries spent, or a broken exercise)',
      registers,
    });
    this.webhookLag = new Histogram({
      name: 'memgrade_webhook_delivery_lag_seconds',
      help: 'Time from a webhook delivery being queued to the receiver accepting it (retries included)',
      buckets: WAIT_SECONDS,
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'memgrade_webhook_delivery_attempts_total',
      help: 'Webhook delivery jobs by outcome (delivered, gone, skipped, abandoned, failed = an attempt that will be retried or was the last)',
      labelNames: ['result'],
      registers,
    });
    this.concurrency = new Gauge({ name: 'memgrade_worker_concurrency', help: 'Submissions this worker grades at once', registers });
    // The pools count for themselves; a scrape adds what they counted since the last one.
    const reported = new Map<string, number>();
    const source = () => this.poolSource?.() ?? { run: null, grading: null };
    this.poolAcquisitions = new Counter({
      name: 'memgrade_sandbox_pool_acquisitions_total',
      help: 'Runs that took a warm container from a pool (result="hit") or found none ready and made their own (result="miss"), by pool (grading, run)',
      labelNames: ['pool', 'result'],
      registers,
      collect() {
        for (const [pool, counts] of Object.entries(source())) {
          if (!counts) continue;
          for (const result of ['hit', 'miss'] as const) {
            const total = result === 'hit' ? counts.hits : counts.misses;
            const key = `${pool}/${result}`;
            const delta = total - (reported.get(key) ?? 0);
            if (delta > 0) this.inc({ pool, result }, delta);
            reported.set(key, total);
          }
        }
      },
    });
    this.poolReady = new Gauge({
      name: 'memgrade_sandbox_pool_ready',
      help: 'Warm containers ready in the pool now, by pool (grading, run); absent for a pool that is off',
      labelNames: ['pool'],
      registers,
      collect() {
        for (const [pool, counts] of Object.entries(source())) if (counts) this.set({ pool }, counts.idle);
      },
    });
    this.lmsScoreLag = new Histogram({
      name: 'memgrade_lms_score_delivery_lag_seconds',
      help: 'Time from an LTI score post being queued (a grading stored) to the platform accepting it (retries included)',
      buckets: WAIT_SECONDS,
      registers,
    });
    this.lmsScorePosts = new Counter({
      name: 'memgrade_lms_score_posts_total',
      help: 'LTI score post jobs by outcome (posted, unchanged, nothing-graded, no-line-item, failed = an attempt that will be retried or was the last)',
      labelNames: ['result'],
      registers,
    });
    this.domainEventLag = new Histogram({
      name: 'memgrade_domain_event_lag_seconds',
      help: 'Time from a domain event being stored with its change (e.g. a grading result) to its subscribers being handed it, by type; the count is the events handled',
      labelNames: ['type'],
      buckets: WAIT_SECONDS,
      registers,
    });
  }

  /** Tells the metrics where the warm pools' counts are (the worker's sandbox). */
  readPoolsFrom(source: () => PoolCounts): void {
    this.poolSource = source;
  }
}
