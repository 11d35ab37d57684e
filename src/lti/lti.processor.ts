import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { LTI_QUEUE, LtiJob, type PostScorePayload, type SyncRosterPayload } from './lti-queue';
import { LtiRosterService } from './lti-roster.service';
import { LtiScoresService } from './lti-scores.service';
import { QuietWorkerHost } from '../queue/quiet-worker-host';

/** Score posts and roster syncs (worker only). A failure throws, so BullMQ retries with backoff. */
// Each job may hold a database connection while it waits on the platform: few at a time.
@Processor(LTI_QUEUE, { concurrency: 4 })
export class LtiProcessor extends QuietWorkerHost {
  private readonly logger = new Logger(LtiProcessor.name);

  constructor(
    private readonly scores: LtiScoresService,
    private readonly roster: LtiRosterService,
  ) {
    super();
  }

  protected async handle(job: Job): Promise<unknown> {
    if (job.name === LtiJob.postScore) {
      const { linkUserId } = job.data as PostScorePayload;
      try {
        return await this.scores.post(linkUserId);
      } catch (error) {
        this.logger.warn({ linkUserId, attempt: job.attemptsMade + 1, error: (error as Error).message }, 'score not posted');
        throw error;
      }
    }
    if (job.name === LtiJob.syncRoster) return this.roster.syncPlatform((job.data as SyncRosterPayload).platformId);
    this.logger.warn(`unknown LTI job ${job.name}`);
    return null;
  }
}
