import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, type OnModuleInit } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { AppConfigService } from '../config/app-config';
import { GRADING_QUEUE, GradingJob, type GradeSubmissionPayload } from '../queue/queues';
import { ExerciseDefectError } from './grade-outcome';
import { GradingService } from './grading.service';

/**
 * Consumes the grading queue. A thrown error is retried with backoff (infrastructure trouble);
 * the student's own failures are graded results, never errors. When the retries are spent the
 * submission ends as `error` with the reason, so nothing stays queued.
 */
@Processor(GRADING_QUEUE)
export class GradingProcessor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger(GradingProcessor.name);

  constructor(
    private readonly grading: GradingService,
    private readonly config: AppConfigService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.values.WORKER_CONCURRENCY;
  }

  async process(job: Job<GradeSubmissionPayload>): Promise<string> {
    if (job.name !== GradingJob.grade) throw new Error(`unknown grading job ${job.name}`);
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
  async onFailed(job: Job<GradeSubmissionPayload> | undefined, error: Error): Promise<void> {
    if (!job) return;
    const spent = job.attemptsMade >= (job.opts.attempts ?? 1);
    this.logger.warn({ submissionId: job.data.submissionId, attempt: job.attemptsMade, spent, err: error }, 'grading failed');
    if (spent) await this.grading.fail(job.data.submissionId, `grading failed after ${job.attemptsMade} attempts: ${error.message}`);
  }
}
