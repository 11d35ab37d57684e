import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { AppConfigService } from '../config/app-config';
import { GRADING_QUEUE, GradingJob, type GradeSubmissionPayload, type ValidateExercisePayload } from '../queue/queues';
import { ExerciseValidationService } from './exercise-validation.service';
import { ExerciseDefectError } from './grade-outcome';
import { GradingService } from './grading.service';

/**
 * Consumes the grading queue. A thrown error is retried with backoff (infrastructure trouble);
 * the student's own failures are graded results, never errors. When the retries are spent the
 * submission ends as `error` with the reason, so nothing stays queued.
 */
@Processor(GRADING_QUEUE)
export class GradingProcessor extends WorkerHost implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(GradingProcessor.name);

  constructor(
    private readonly grading: GradingService,
    private readonly validation: ExerciseValidationService,
    private readonly config: AppConfigService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.values.WORKER_CONCURRENCY;
  }

  /**
   * Lets running jobs finish and takes no new ones before the database closes: @nestjs/bullmq would
   * close the worker only at application shutdown, after Prisma has disconnected.
   */
  async onModuleDestroy(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job<GradeSubmissionPayload | ValidateExercisePayload>): Promise<string> {
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
      result = await this.grading.grade(submissionId);
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
    if (!spent) return;
    const reason = `failed after ${job.attemptsMade} attempts: ${error.message}`;
    if (job.name === GradingJob.validateExercise) await this.validation.fail((job.data as ValidateExercisePayload).exerciseVersionId, reason);
    else await this.grading.fail((job.data as GradeSubmissionPayload).submissionId, `grading ${reason}`);
  }
}
