import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfigService } from '../config/app-config';
import { type DomainEvent, DomainEventType, type EventSubscriber } from '../events/domain-events';
import { OutboxService } from '../events/outbox.service';
import { RedisService } from '../redis/redis.module';
import { LtiScoresService } from './lti-scores.service';
import { LtiSessionsService } from './lti-sessions.service';

const SWEEP_LOCK = 'memgrade:lti-sweeper-lock';

/**
 * Where grading meets LTI without grading knowing: a subscriber of the outbox's submission.graded
 * events, which queues the score posts of a graded submission (idempotent: one job per link-person
 * and run). A sweeper (one worker at a time) also queues any grade or deadline change newer than a
 * link-person's last sync (a job whose retries ran out, a due date moved), ends expired launch
 * sessions and drops old login states.
 */
@Injectable()
export class LtiGradeListener implements EventSubscriber, OnModuleInit, OnApplicationShutdown {
  readonly name = 'lti-scores';
  private readonly logger = new Logger(LtiGradeListener.name);
  private stopSweeping?: () => void;

  constructor(
    private readonly outbox: OutboxService,
    private readonly redis: RedisService,
    private readonly scores: LtiScoresService,
    private readonly sessions: LtiSessionsService,
    private readonly config: AppConfigService,
  ) {}

  onModuleInit(): void {
    this.outbox.subscribe(this);
    this.stopSweeping = this.redis.everyExclusively(
      SWEEP_LOCK,
      this.config.values.LTI_SCORE_SWEEP_SECONDS * 1000,
      () => this.sweep(),
      (error) => this.logger.warn(`LTI sweep skipped: ${error.message}`),
    );
  }

  async handle(event: DomainEvent): Promise<void> {
    if (event.type === DomainEventType.submissionGraded) await this.scores.submissionGraded(event.submissionId);
  }

  async sweep(): Promise<void> {
    const queued = await this.scores.sweep();
    if (queued) this.logger.log(`queued ${queued} score post(s) found by the sweeper`);
    await this.sessions.endExpired();
    await this.sessions.dropOldStates();
  }

  onApplicationShutdown(): void {
    this.stopSweeping?.();
  }
}
