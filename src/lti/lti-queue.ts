import { BullModule, InjectQueue } from '@nestjs/bullmq';
import { Module, type OnModuleInit } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { logQueueErrors } from '../queue/queue-error-logger';

/** Score posts and roster syncs go out through this queue (worker only consumes it). */
export const LTI_QUEUE = 'lti';

export const LtiJob = {
  postScore: 'post-score',
  syncRoster: 'sync-roster',
} as const;

/** Post the grade that counts for one launched person in one resource link (whatever it is when the job runs). */
export interface PostScorePayload {
  linkUserId: string;
}

export interface SyncRosterPayload {
  platformId: string;
}

export const scoreJobId = (linkUserId: string, marker: string) => `lti-score_${linkUserId}_${marker}`;

export function scoreJobOptions(firstRetryMs: number, attempts: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: firstRetryMs },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

@Module({ imports: [BullModule.registerQueue({ name: LTI_QUEUE })], exports: [BullModule] })
export class LtiQueueModule implements OnModuleInit {
  constructor(@InjectQueue(LTI_QUEUE) private readonly queue: Queue) {}

  onModuleInit(): void {
    logQueueErrors(this.queue);
  }
}
