import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfigService } from '../config/app-config';
import { SubmissionEventsService } from '../events/submission-events.service';
import { GRADING_QUEUE } from '../queue/queues';
import { submissionPriority } from '../queue/grading-priority';
import { BackpressureRepository } from './backpressure.repository';

/** A queued submission of the student's, as replaceOlderQueued ends it. */
export interface QueuedSubmission {
  id: string;
  jobId: string | null;
}

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
   * priorityFor and, when SUBMISSION_MAX_QUEUED_PER_EXERCISE is set, the student's queued
   * submissions that replaceOlderQueued would read, in one statement (every POST needs both).
   */
  async priorityAndQueued(userId: string, exerciseId: string, newest: { id: string; createdAt: Date }): Promise<{ priority: number; queued?: QueuedSubmission[] }> {
    if (!this.config.values.SUBMISSION_MAX_QUEUED_PER_EXERCISE) return { priority: await this.priorityFor(userId, exerciseId, newest.createdAt) };
    const since = new Date(newest.createdAt.getTime() - this.config.values.SUBMISSION_PRIORITY_WINDOW_MINUTES * 60_000);
    const { earlier, queued } = await this.submissions.countAndQueued(userId, exerciseId, since, newest.createdAt, newest.id);
    return { priority: submissionPriority(earlier), queued };
  }

  /**
   * Keeps the student's newest SUBMISSION_MAX_QUEUED_PER_EXERCISE queued submissions of the exercise
   * and ends the older queued ones (never one that is running) with the reason; their jobs leave
   * the queue. Returns the ids it ended. A job a worker took in the same instant is graded anyway.
   */
  async replaceOlderQueued(userId: string, exerciseId: string, newestId: string, readBefore?: QueuedSubmission[]): Promise<string[]> {
    const limit = this.config.values.SUBMISSION_MAX_QUEUED_PER_EXERCISE;
    if (!limit) return [];
    // `readBefore`: the list priorityAndQueued read after the newest was stored (the enqueue between changes no row).
    const queued = readBefore ?? (await this.submissions.queuedUngradedNewestFirst(userId, exerciseId, newestId));
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
