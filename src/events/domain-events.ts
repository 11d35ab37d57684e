/**
 * The domain events memgrade stores in its outbox (outbox.service.ts). Each is written in the same
 * transaction as the change it reports, so it exists exactly when the change does.
 */
export const DomainEventType = {
  /** A grading run was stored (first grading or regrade); payload: the run and the new score. */
  submissionGraded: 'submission.graded',
} as const;

export interface SubmissionGradedEvent {
  id: string;
  type: typeof DomainEventType.submissionGraded;
  submissionId: string;
  payload: { run: number; score: number };
  createdAt: Date;
}

export type DomainEvent = SubmissionGradedEvent;

/** What a producer writes; id and createdAt come from the outbox row. */
export type NewDomainEvent = Pick<DomainEvent, 'type' | 'submissionId' | 'payload'>;

/**
 * A consumer of domain events (webhooks, LMS scores, live status, metrics). `handle` may be called
 * more than once for one event (a relay that crashed before recording it done): it must be
 * idempotent, or harmless when repeated. A throw means "try again later"; the event is retried for
 * this subscriber only.
 */
export interface EventSubscriber {
  /** Stable: stored in the event's `handled` list. */
  readonly name: string;
  /**
   * Best effort and harmless when repeated (live status): the relay of the process that committed
   * the event calls it at once, side by side with claiming the event, rather than after the claim.
   * It may then be called again, by whichever relay claimed the event, should that be another.
   */
  readonly early?: boolean;
  handle(event: DomainEvent): Promise<void>;
}
