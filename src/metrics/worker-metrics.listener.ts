import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job, Worker } from 'bullmq';
import { GradingProcessor } from '../grading/grading.processor';
import { SandboxPoolStats } from '../grading/sandbox-pool-stats';
import { LtiJob } from '../lti/lti-queue';
import { LtiProcessor } from '../lti/lti.processor';
import { GradingJob, type GradeSubmissionPayload } from '../queue/queues';
import { WebhookDeliveryProcessor } from '../webhooks/webhook-delivery.processor';
import { WorkerMetrics } from './worker-metrics';
import { WorkerMetricsRepository } from './worker-metrics.repository';

/** Errors that mean the sandbox or the harness failed, not the student (results/grade-outcome.ts, sandbox-errors.ts). */
const INFRASTRUCTURE_ERRORS = new Set(['InfrastructureError', 'SandboxInfrastructureError']);

/**
 * Records the worker's metrics from the events its BullMQ workers already emit (active, completed,
 * failed), so neither the grading processor nor the webhook processor knows about metrics. Only
 * this process's own jobs are seen, so counters add up across workers without double counting.
 * A graded submission costs one small read (verdict, duration, exercise) after its job completed.
 */
@Injectable()
export class WorkerMetricsListener implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkerMetricsListener.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly submissions: WorkerMetricsRepository,
    private readonly metrics: WorkerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const grading = this.moduleRef.get(GradingProcessor, { strict: false }).worker;
    const webhooks = this.moduleRef.get(WebhookDeliveryProcessor, { strict: false }).worker;
    this.metrics.concurrency.set(grading.concurrency);
    this.watchWaits(grading);
    this.watchWaits(webhooks);
    grading.on('completed', (job, result) => void this.onGradingCompleted(job, result));
    grading.on('failed', (job, error) => this.onGradingFailed(job, error));
    // An attempt the outage breaker postponed (no attempt spent) is still a failed attempt of the sandbox.
    (grading as unknown as NodeJS.EventEmitter).on('postponed', (job: Job, error: Error) => this.onGradingFailed(job, error, { postponed: true }));
    webhooks.on('completed', (job, result: unknown) => {
      this.metrics.webhookDeliveries.inc({ result: String(result) });
      if (result === 'delivered') this.metrics.webhookLag.observe(secondsSince(job.timestamp, job.finishedOn));
    });
    webhooks.on('failed', () => this.metrics.webhookDeliveries.inc({ result: 'failed' }));
    const pools = this.moduleRef.get(SandboxPoolStats, { strict: false });
    this.metrics.readPoolsFrom(() => pools.counts());
    this.watchLmsScores();
  }

  /** LTI score posts: outcome of each job, and queued → accepted by the platform for those posted. */
  private watchLmsScores(): void {
    let lti: Worker;
    try {
      lti = this.moduleRef.get(LtiProcessor, { strict: false }).worker;
    } catch {
      return; // a worker wired without the LTI module
    }
    lti.on('completed', (job, result: unknown) => {
      if (job.name !== LtiJob.postScore) return;
      this.metrics.lmsScorePosts.inc({ result: String(result) });
      if (result === 'posted') this.metrics.lmsScoreLag.observe(secondsSince(job.timestamp, job.finishedOn));
    });
    lti.on('failed', (job) => {
      if (job?.name === LtiJob.postScore) this.metrics.lmsScorePosts.inc({ result: 'failed' });
    });
  }

  private watchWaits(worker: Worker): void {
    worker.on('active', (job: Job) => {
      if (job.attemptsMade === 0) this.metrics.queueWait.observe({ queue: worker.name, job: job.name }, secondsSince(job.timestamp, job.processedOn));
    });
  }

  private async onGradingCompleted(job: Job, result: unknown): Promise<void> {
    if (job.name !== GradingJob.grade || result !== 'graded') return;
    try {
      const submission = await this.submissions.gradedFigures((job.data as GradeSubmissionPayload).submissionId);
      if (!submission?.verdict) return;
      const { exercise } = submission.exerciseVersion;
      const label = { exercise: `${exercise.course.slug}/${exercise.slug}` };
      this.metrics.verdicts.inc({ verdict: submission.verdict });
      if (submission.durationMs !== null) this.metrics.gradingDuration.observe(label, submission.durationMs / 1000);
      if (submission.finishedAt) this.metrics.turnaround.observe(label, (submission.finishedAt.getTime() - submission.createdAt.getTime()) / 1000);
    } catch (error) {
      this.logger.debug(`grading metrics not recorded: ${(error as Error).message}`);
    }
  }

  private onGradingFailed(job: Job | undefined, error: Error, how: { postponed?: boolean } = {}): void {
    this.metrics.gradingFailures.inc({ error: error.name || 'Error' });
    if (INFRASTRUCTURE_ERRORS.has(error.name)) this.metrics.sandboxErrors.inc();
    if (how.postponed || !job || job.name !== GradingJob.grade) return;
    // The same test as GradingProcessor.onFailed: spent attempts, or an error that is never retried.
    if (job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError') this.metrics.submissionsFailed.inc();
  }
}

function secondsSince(start: number, end: number | undefined): number {
  return Math.max(0, ((end ?? Date.now()) - start) / 1000);
}
