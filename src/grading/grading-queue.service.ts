import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { PrismaService } from '../database/prisma.service';
import { GRADING_QUEUE, GradingJob, gradingJobId, type GradeSubmissionPayload } from '../queue/queues';

const ENQUEUE_TIMEOUT_MS = 2_000;

/** Puts grading requests on the queue. Used by the API and by the worker's sweeper. */
@Injectable()
export class GradingQueueService {
  private readonly logger = new Logger(GradingQueueService.name);

  constructor(
    @InjectQueue(GRADING_QUEUE) private readonly queue: Queue<GradeSubmissionPayload>,
    private readonly prisma: PrismaService,
  ) {}

  /**
   * Enqueues one grading of a submission; `attempt` > 0 gives a new job id (regrade, sweep), the
   * same attempt twice is one job. Returns false when Redis did not take it in time: the submission
   * is stored as queued, and the sweeper enqueues it later, so nothing is lost.
   */
  async enqueue(submissionId: string, reason: GradeSubmissionPayload['reason'], attempt = 0): Promise<boolean> {
    const jobId = gradingJobId(submissionId, attempt);
    // Recorded first: the sweeper judges a submission by the job that is meant to be grading it.
    await this.prisma.submission.update({ where: { id: submissionId }, data: { jobId } });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add(GradingJob.grade, { submissionId, reason }, { jobId }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch (error) {
      this.logger.warn(`could not enqueue submission ${submissionId} (${reason}); the sweeper will: ${(error as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether the job is still due to run (waiting, delayed or being processed). */
  async isPending(jobId: string): Promise<boolean> {
    const state = await this.queue.getJobState(jobId);
    return ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state);
  }
}
