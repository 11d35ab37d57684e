import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfigService } from '../config/app-config';
import { SubmissionEventsService } from '../events/submission-events.service';
import { GRADING_QUEUE } from '../queue/queues';
import { submissionPriority } from '../queue/grading-priority';
import { BackpressureRepository } from './backpressure.repository';

/** The reason a replaced submission ends with (GET shows it as errorReason). */
export function replacedReason(newerId: string, limit: number): string {
  return (
    `replaced by your newer submission ${newerId} before it was graded: at most ${limit} of your submissions ` +
    `of one exercise wait in the queue at once (SUBMISSION_MAX_QUEUED_PER_EXERCISE), and the newest are kept`
  );
}

/**
 * Back-pressure on a student's own submissions during a burst: their resubmissions of an exercise
 * queue behind other students' first tries (priority), and only their newest few wait at once (the
 * limit): a newer submission ends the oldest still waiting as `error` with the reason, so none is
 * lost and the queue holds no stale work.
 */
@Injectable()
export class SubmissionBackpressureService {
  private readonly logger = new Logger(SubmissionBackpressureService.name);

  constructor(
    private readonly submissions: BackpressureRepository,
    private readonly config: AppConfigService,
    private readonly events: SubmissionEventsService,
    @InjectQueue(GRADING_QUEUE) private readonly queue: Queue,
  ) {}

  /** The job priority of a new submission: 1 + the student's earlier submissions of the exercise in the window. */
  async priorityFor(userId: string, exerciseId: string, before: Date): Promise<number> {
    const since = new Date(before.getTime() - this.config.values.SUBMISSION_PRIORITY_WINDOW_MINUTES * 60_000);
    const earlier = await this.submissions.countCreatedBetween(userId, exerciseId, since, before);
    return submissionPriority(earlier);
  }

  /**
   * Keeps the student's newest SUBMISSION_MAX_QUEUED_PER_EXERCISE queued submissions of the exercise
   * and ends the older queued ones (never one that is running) with the reason; their jobs leave
   * the queue. Returns the ids it ended. A job a worker took in the same instant is graded anyway.
   */
  async replaceOlderQueued(userId: string, exerciseId: string, newestId: string): Promise<string[]> {
    const limit = this.config.values.SUBMISSION_MAX_QUEUED_PER_EXERCISE;
    if (!limit) return [];
    const queued = await this.submissions.queuedUngradedNewestFirst(userId, exerciseId, newestId);
    const older = queued.slice(limit - 1);
    const replaced: string[] = [];
    for (const submission of older) {
      if (!(await this.submissions.endReplaced(submission.id, replacedReason(newestId, limit)))) continue;
      replaced.push(submission.id);
      await this.events.publish({ submissionId: submission.id, status: 'error' });
      // A job that is gone, or taken by a worker, is fine: the worker skips a submission that ended.
      if (submission.jobId) await this.queue.remove(submission.jobId).catch(() => undefined);
    }
    if (replaced.length) this.logger.log({ userId, exerciseId, newestId, replaced }, 'older queued submissions replaced');
    return replaced;
  }
}
