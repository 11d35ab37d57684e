import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/** An event the relay claimed, as its row reads. */
export interface ClaimedRow {
  id: string;
  type: string;
  submission_id: string | null;
  payload: unknown;
  handled: string[] | null;
  attempts: number;
  created_at: Date;
}

/**
 * The relay's queries of outbox_events. Claiming takes an undispatched, due event with a lease of
 * `leaseSeconds` (FOR UPDATE SKIP LOCKED, so relays of several workers never take the same one)
 * and counts the attempt; the lease is the event's available_at, so a relay that died lets it go.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Claims this one event if it is undispatched, due and nobody holds it; [] otherwise. */
  claimOne(eventId: string, leaseSeconds: number): Promise<ClaimedRow[]> {
    return this.prisma.$queryRaw<ClaimedRow[]>`
      UPDATE outbox_events SET available_at = now() + ${leaseSeconds} * interval '1 second', attempts = attempts + 1
       WHERE id = (SELECT id FROM outbox_events WHERE id = ${eventId}::uuid AND dispatched_at IS NULL AND available_at <= now() FOR UPDATE SKIP LOCKED)
      RETURNING id, type, submission_id, payload, handled, attempts, created_at`;
  }

  /** Claims up to `batch` due events, oldest first in the subquery (RETURNING keeps no order: the caller sorts). */
  claimDue(batch: number, leaseSeconds: number): Promise<ClaimedRow[]> {
    return this.prisma.$queryRaw<ClaimedRow[]>`
      UPDATE outbox_events SET available_at = now() + ${leaseSeconds} * interval '1 second', attempts = attempts + 1
       WHERE id IN (SELECT id FROM outbox_events WHERE dispatched_at IS NULL AND available_at <= now() ORDER BY created_at LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, type, submission_id, payload, handled, attempts, created_at`;
  }

  /** Adds the subscriber to the event's `handled` list: it is not called with this event again. */
  async markHandledBy(eventId: string, subscriber: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE outbox_events SET handled = array_append(coalesce(handled, '{}'), ${subscriber}) WHERE id = ${eventId}::uuid`;
  }

  async markDispatched(eventId: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE outbox_events SET dispatched_at = now(), last_error = NULL WHERE id = ${eventId}::uuid`;
  }

  /** Makes the event due again in `backoffSeconds`, with why it failed. */
  async retryLater(eventId: string, backoffSeconds: number, lastError: string): Promise<void> {
    await this.prisma.$executeRaw`UPDATE outbox_events SET available_at = now() + ${backoffSeconds} * interval '1 second', last_error = ${lastError} WHERE id = ${eventId}::uuid`;
  }

  /** Deletes the events dispatched more than `days` days ago. */
  async deleteDispatchedBefore(days: number): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM outbox_events WHERE dispatched_at < now() - ${days} * interval '1 day'`;
  }
}
