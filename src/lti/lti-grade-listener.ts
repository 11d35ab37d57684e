import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfigService } from '../config/app-config';
import { SUBMISSION_EVENTS_CHANNEL, type SubmissionStatusEvent } from '../events/submission-events.service';
import { RedisService } from '../redis/redis.module';
import { LtiScoresService } from './lti-scores.service';
import { LtiSessionsService } from './lti-sessions.service';

const SWEEP_LOCK = 'memgrade:lti-sweeper-lock';

/**
 * Where grading meets LTI without grading knowing: the worker listens to the submission status
 * events (Redis pub/sub, published by grading) and queues score posts for graded submissions. Pub/sub
 * is best effort, so a sweeper (one worker at a time) also queues any grade newer than its last sync,
 * ends expired launch sessions and drops old login states.
 */
@Injectable()
export class LtiGradeListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(LtiGradeListener.name);
  private subscriber?: Redis;
  private stopSweeping?: () => void;

  constructor(
    private readonly redis: RedisService,
    private readonly scores: LtiScoresService,
    private readonly sessions: LtiSessionsService,
    private readonly config: AppConfigService,
  ) {}

  onModuleInit(): void {
    this.subscriber = this.redis.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    void this.subscriber.subscribe(SUBMISSION_EVENTS_CHANNEL).catch((error: Error) => this.logger.warn(`cannot subscribe to status events: ${error.message}`));
    this.subscriber.on('message', (_channel: string, message: string) => {
      let event: SubmissionStatusEvent;
      try {
        event = JSON.parse(message) as SubmissionStatusEvent;
      } catch {
        return;
      }
      if (event.status !== 'graded') return;
      this.scores.submissionGraded(event.submissionId).catch((error: Error) => this.logger.warn(`score of submission ${event.submissionId} not queued (the sweeper will): ${error.message}`));
    });
    this.stopSweeping = this.redis.everyExclusively(SWEEP_LOCK, this.config.values.LTI_SCORE_SWEEP_SECONDS * 1000, () => this.sweep(), (error) =>
      this.logger.warn(`LTI sweep skipped: ${error.message}`),
    );
  }

  async sweep(): Promise<void> {
    const queued = await this.scores.sweep();
    if (queued) this.logger.log(`queued ${queued} score post(s) found by the sweeper`);
    await this.sessions.endExpired();
    await this.sessions.dropOldStates();
  }

  onApplicationShutdown(): void {
    this.stopSweeping?.();
    this.subscriber?.disconnect();
  }
}
