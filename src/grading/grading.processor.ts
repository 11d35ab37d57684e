import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Logger, type OnModuleInit } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { AppConfigService } from '../config/app-config';
import { GRADING_QUEUE, GradingJob, type GradeSubmissionPayload, type ValidateExercisePayload } from '../queue/queues';
import { ExerciseValidationService } from './exercise-validation.service';
import { ExerciseDefectError } from '../results/grade-outcome';
import { GradingService } from './grading.service';
import { InfrastructureBreaker } from './infrastructure-breaker';
import { QuietWorkerHost } from '../queue/quiet-worker-host';

/** How long a job postponed by an outage waits before it is tried again (the breaker pauses this worker meanwhile). */
export const OUTAGE_RETRY_DELAY_MS = 5_000;

/** What a grading job carries in its data, beside its payload, once an outage postponed it. */
interface OutageMark {
  /** When the first outage-postponement of this job happened (ms since the epoch). */
  outageSince?: number;
  postponements?: number;
  /** Starts counted in the submission's attempts during an outage that could not be given back then. */
  uncountedStarts?: number;
}

const startedGrading = (error: unknown) => (error as { gradingStarted?: unknown } | null)?.gradingStarted === true;

/**
 * Consumes the grading queue. A thrown error is retried with backoff (infrastructure trouble);
 * the student's own failures are graded results, never errors. When the retries are spent the
 * submission ends as `error` with the reason, so nothing stays queued.
 */
@Processor(GRADING_QUEUE, { maxStalledCount: 5 })
export class GradingProcessor extends QuietWorkerHost implements OnModuleInit {
  private readonly logger = new Logger(GradingProcessor.name);

  constructor(
    private readonly grading: GradingService,
    private readonly validation: ExerciseValidationService,
    private readonly config: AppConfigService,
    private readonly breaker: InfrastructureBreaker,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.values.WORKER_CONCURRENCY;
    // While Postgres, Redis or Docker is down this worker takes no jobs (others may still be fine).
    this.breaker.subscribe({
      onOpen: () => void this.worker.pause(true).catch(() => undefined),
      // A breaker that closes while the worker closes must not start it again.
      onClose: () => {
        if (!this.closing) void this.worker.resume().catch(() => undefined);
      },
    });
  }

  protected async handle(job: Job<GradeSubmissionPayload | ValidateExercisePayload>, token?: string): Promise<string> {
    try {
      return await this.run(job);
    } catch (error) {
      const marked = job as Job<(GradeSubmissionPayload | ValidateExercisePayload) & OutageMark>;
      if (!(error instanceof UnrecoverableError) && InfrastructureBreaker.mayBeInfrastructure(error)) await this.postponeIfOutage(marked, token, error as Error);
      // Not postponed: this start took back the uncounted ones (see GradingService.grade).
      if (startedGrading(error) && marked.data.uncountedStarts) await marked.updateData({ ...marked.data, uncountedStarts: 0 }).catch(() => undefined);
      throw error;
    }
  }

  /**
   * A failure that may be the infrastructure's: when a probe confirms a dependency is down (the
   * breaker opens and this worker pauses), the job goes back to the delayed set without spending an
   * attempt, for as long as GRADING_OUTAGE_GRACE_SECONDS from its first postponement; the
   * submission reads queued with the reason. Returns normally when it is not an outage (or the
   * grace is over): the failure then counts as an attempt, with the usual backoff.
   */
  private announcePostponed(job: Job, error: Error): void {
    let worker: NodeJS.EventEmitter;
    try {
      worker = this.worker as unknown as NodeJS.EventEmitter;
    } catch {
      return; // not running under a BullMQ worker (a unit spec calling process() directly)
    }
    worker.emit('postponed', job, error);
  }

  private async postponeIfOutage(job: Job<(GradeSubmissionPayload | ValidateExercisePayload) & OutageMark>, token: string | undefined, error: Error): Promise<void> {
    const outage = await this.breaker.outage();
    if (!outage || !token) return;
    const now = Date.now();
    const since = job.data.outageSince ?? now;
    const graceMs = this.config.values.GRADING_OUTAGE_GRACE_SECONDS * 1000;
    if (now - since > graceMs) {
      this.logger.warn({ job: job.name, data: job.data, outageSince: new Date(since).toISOString() }, 'outage outlasted the grace; the failure counts as an attempt');
      return;
    }
    const postponements = (job.data.postponements ?? 0) + 1;
    // A start that was recorded (and took back earlier uncounted ones) is given back now, or, when the
    // database cannot take that, by the next start.
    const started = startedGrading(error);
    let uncountedStarts = started ? 0 : (job.data.uncountedStarts ?? 0);
    if (job.name === GradingJob.grade) {
      const reason = `waiting for the platform to recover (${outage}); this does not count against the submission's attempts`;
      const recorded = await this.grading.awaitRetry((job.data as GradeSubmissionPayload).submissionId, reason, started).then(
        () => true,
        () => false,
      );
      if (started && !recorded) uncountedStarts++;
    }
    await job.updateData({ ...job.data, outageSince: since, postponements, uncountedStarts });
    await job.moveToDelayed(now + OUTAGE_RETRY_DELAY_MS, token);
    this.logger.warn({ job: job.name, data: job.data, postponements, outage, err: error.message }, 'grading postponed by an infrastructure outage; no attempt spent');
    // BullMQ emits no "failed" for a postponed job: say so on the worker, for whoever counts failed attempts (metrics).
    this.announcePostponed(job, error);
    throw new DelayedError();
  }

  private async run(job: Job<GradeSubmissionPayload | ValidateExercisePayload>): Promise<string> {
    switch (job.name) {
      case GradingJob.grade:
        return this.gradeSubmission(job as Job<GradeSubmissionPayload>);
      case GradingJob.validateExercise:
        return this.validation.validate((job.data as ValidateExercisePayload).exerciseVersionId);
      default:
        throw new UnrecoverableError(`unknown grading job ${job.name}`);
    }
  }

  private async gradeSubmission(job: Job<GradeSubmissionPayload>): Promise<string> {
    const { submissionId, reason } = job.data;
    let result;
    try {
      result = await this.grading.grade(submissionId, (job.data as OutageMark).uncountedStarts ?? 0);
    } catch (error) {
      if (!(error instanceof ExerciseDefectError)) throw error;
      // A broken exercise fails the same way every time: end the submission now, with the reason.
      await this.grading.fail(submissionId, error.message);
      throw new UnrecoverableError(error.message);
    }
    this.logger.log({ submissionId, reason, attempt: job.attemptsMade + 1, result }, `submission ${result}`);
    return result;
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<GradeSubmissionPayload | ValidateExercisePayload> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const spent = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    this.logger.warn({ job: job.name, data: job.data, attempt: job.attemptsMade, spent, err: error }, 'grading job failed');
    if (!spent) {
      // Waiting for its next attempt is not running: say queued, and why.
      if (job.name === GradingJob.grade) {
        const next = `attempt ${job.attemptsMade} of ${job.opts.attempts ?? 1} failed (${error.message.slice(0, 500)}); waiting to retry`;
        await this.grading.awaitRetry((job.data as GradeSubmissionPayload).submissionId, next).catch(() => undefined);
      }
      return;
    }
    const reason = `failed after ${job.attemptsMade} attempts: ${error.message}`;
    if (job.name === GradingJob.validateExercise) await this.validation.fail((job.data as ValidateExercisePayload).exerciseVersionId, reason);
    else await this.grading.fail((job.data as GradeSubmissionPayload).submissionId, `grading ${reason}`);
  }
}
