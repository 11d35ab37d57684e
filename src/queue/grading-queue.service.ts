import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { within } from '../common/time/within';
import { FIRST_SUBMISSION_PRIORITY, REGRADE_PRIORITY, SWEEP_PRIORITY } from '../queue/grading-priority';
import { GRADING_QUEUE, GradingJob, gradingJobId, type GradeSubmissionPayload, type ValidateExercisePayload, validationJobId } from '../queue/queues';
import { GradingJobRepository } from './grading-job.repository';

const ENQUEUE_TIMEOUT_MS = 2_000;

/** Puts grading requests on the queue. Used by the API and by the worker's sweeper. */
@Injectable()
export class GradingQueueService {
  private readonly logger = new Logger(GradingQueueService.name);

  constructor(
    @InjectQueue(GRADING_QUEUE) private readonly queue: Queue<GradeSubmissionPayload | ValidateExercisePayload>,
    private readonly jobs: GradingJobRepository,
  ) {}

  /**
   * Enqueues the first grading of a new submission, stored with its job id `gradingJobId(id)` = the
   * submission id (so it cannot be queued twice; no write here). Returns false when Redis did not
   * take it in time: the submission is stored as queued, and the sweeper enqueues it later, so
   * nothing is lost. `priority` (1 first) comes from queue/grading-priority.ts.
   */
  async enqueueNew(submissionId: string, priority = FIRST_SUBMISSION_PRIORITY): Promise<boolean> {
    return this.add(submissionId, 'submitted', gradingJobId(submissionId), priority);
  }

  /**
   * Grades a submission again (a regrade, or a sweep of a lost job): it goes back to queued under a
   * new job id, numbered on from its current one, so retained old jobs never swallow the new one.
   */
  async requeue(submissionId: string, reason: 'regrade' | 'sweep'): Promise<boolean> {
    const jobId = await this.jobs.requeue(submissionId, reason);
    return this.add(submissionId, reason, jobId, reason === 'regrade' ? REGRADE_PRIORITY : SWEEP_PRIORITY);
  }

  /** Queues the validation of a new exercise version (job id = version, so it runs once). */
  async enqueueValidation(exerciseVersionId: string): Promise<boolean> {
    return this.withTimeout(
      this.queue.add(GradingJob.validateExercise, { exerciseVersionId }, { jobId: validationJobId(exerciseVersionId) }),
      `validation of exercise version ${exerciseVersionId}`,
    );
  }

  private async add(submissionId: string, reason: GradeSubmissionPayload['reason'], jobId: string, priority: number): Promise<boolean> {
    return this.withTimeout(this.queue.add(GradingJob.grade, { submissionId, reason }, { jobId, priority }), `submission ${submissionId} (${reason})`);
  }

  private async withTimeout(adding: Promise<unknown>, what: string): Promise<boolean> {
    try {
      await within(adding, ENQUEUE_TIMEOUT_MS, 'Redis');
      return true;
    } catch (error) {
      this.logger.warn(`could not enqueue ${what}; the sweeper will: ${(error as Error).message}`);
      return false;
    }
  }

  /** Whether the job ran to its end (completed, or failed for good). */
  async isFinished(jobId: string): Promise<boolean> {
    const state = await this.queue.getJobState(jobId);
    return state === 'completed' || state === 'failed';
  }

  /** Whether the job is still due to run (waiting, delayed or being processed). */
  async isPending(jobId: string): Promise<boolean> {
    const state = await this.queue.getJobState(jobId);
    return ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state);
  }
}
