import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type DomainEvent, DomainEventType, type EventSubscriber } from './domain-events';
import { OutboxService } from './outbox.service';
import { SubmissionEventsService } from './submission-events.service';

/** Live status: a stored grading run reaches the SSE streams as "graded" with its score. */
@Injectable()
export class StatusEventsSubscriber implements EventSubscriber, OnModuleInit {
  readonly name = 'live-status';
  /** A status event twice is harmless (a stream sends each status once): it goes out without waiting for the claim. */
  readonly early = true;

  constructor(
    private readonly outbox: OutboxService,
    private readonly events: SubmissionEventsService,
  ) {}

  onModuleInit(): void {
    this.outbox.subscribe(this);
  }

  async handle(event: DomainEvent): Promise<void> {
    if (event.type !== DomainEventType.submissionGraded) return;
    // Best effort by design: the streams also re-read the database.
    await this.events.publish({ submissionId: event.submissionId, status: 'graded', score: event.payload.score });
  }
}
