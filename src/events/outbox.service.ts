import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import type { EventSubscriber, NewDomainEvent } from './domain-events';

type Wakeup = (eventId: string, event?: NewDomainEvent) => void;

/**
 * The producer's and the subscribers' side of the outbox. A producer records an event inside its own
 * transaction (`record`) and, once that committed, asks for it to be dispatched now (`dispatchSoon`);
 * feature modules register their subscribers here. The relay (outbox-relay.ts, worker only) does
 * the dispatching, and polls too, so an event whose process died after the commit is still handled.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);
  private readonly registered = new Map<string, EventSubscriber>();
  private wakeup?: Wakeup;

  /** Stores the event in the caller's transaction; returns its id. */
  async record(tx: Prisma.TransactionClient, event: NewDomainEvent): Promise<string> {
    const id = randomUUID();
    await tx.outboxEvent.create({ data: { id, type: event.type, submissionId: event.submissionId, payload: event.payload } });
    return id;
  }

  /**
   * After the commit: hand the event to the relay of this process, if it runs one (else its poll
   * finds it). With the event as recorded, the relay need not wait for its claim to call the early subscribers.
   */
  dispatchSoon(eventId: string, event?: NewDomainEvent): void {
    this.wakeup?.(eventId, event);
  }

  subscribe(subscriber: EventSubscriber): void {
    if (this.registered.has(subscriber.name)) throw new Error(`two event subscribers named ${subscriber.name}`);
    this.registered.set(subscriber.name, subscriber);
    this.logger.debug(`event subscriber ${subscriber.name} registered`);
  }

  subscribers(): EventSubscriber[] {
    return [...this.registered.values()];
  }

  /** The relay of this process. */
  onRecorded(wakeup: Wakeup): void {
    this.wakeup = wakeup;
  }
}
