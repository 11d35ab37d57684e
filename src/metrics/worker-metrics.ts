import { Counter, Gauge, Histogram } from 'prom-client';
import type { MetricsRegistry } from './metrics-registry';

const SECONDS = [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 21, 34, 60, 120, 300];
const WAIT_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800];

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
  }
}
