import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DomainEvent, NewDomainEvent } from './domain-events';
import { type ClaimedRow, OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

/** How often undispatched events are looked for (a process that died after its commit, a retry due). */
export const OUTBOX_POLL_MS = 1_000;
/** A claimed event is another relay's again after this, if the one that claimed it died. */
const LEASE_SECONDS = 30;
/** A subscriber that failed is tried again after 2^attempts seconds, at most this. */
const MAX_BACKOFF_SECONDS = 300;
const CLAIM_BATCH = 50;
/** Dispatched events are kept this long (for looking into), then deleted. */
const KEEP_DISPATCHED_DAYS = 7;
const CLEANUP_EVERY_MS = 10 * 60_000;

/**
 * Hands every stored domain event to every subscriber of this process, at least once. An event is
 * claimed with a lease (FOR UPDATE SKIP LOCKED, so relays of several workers never take the same
 * one), each subscriber not yet in its `handled` list is called, and the event is marked dispatched
 * once all have succeeded; a subscriber that threw is retried with backoff, the others are not
 * called again. Starts after every module's init, so no subscriber registers too late.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private lastCleanup = 0;
  private polling = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly events: OutboxRepository,
    private readonly outbox: OutboxService,
  ) {}

  onApplicationBootstrap(): void {
    this.outbox.onRecorded((eventId, event) => this.track(this.dispatch(eventId, event)));
    this.timer = setInterval(() => void this.poll(), OUTBOX_POLL_MS);
    this.timer.unref();
  }

  /** Stops polling and waits for the dispatches under way (their events would otherwise wait out a lease). */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Dispatches one event now, if it is still undispatched and nobody holds it. `recorded`, the event
   * as its producer just committed it: the early subscribers are called at once, side by side with
   * the claim (deliver() then only records them handled, or calls again one that failed).
   */
  async dispatch(eventId: string, recorded?: NewDomainEvent): Promise<void> {
    const early = recorded ? this.callEarly({ ...recorded, id: eventId, createdAt: new Date() } as DomainEvent) : undefined;
    try {
      const rows = await this.events.claimOne(eventId, LEASE_SECONDS);
      for (const row of rows) await this.deliver(row, early);
    } catch (error) {
      this.logger.warn({ eventId, error: (error as Error).message }, 'event not dispatched now (the poll will)');
    } finally {
      // Not left running past the dispatch (shutdown waits for dispatches) when no row was delivered here.
      if (early) await Promise.all(early.values());
    }
  }

  /** One pass over what is due; returns how many events it took. */
  async poll(): Promise<number> {
    if (this.polling || this.stopped) return 0;
    this.polling = true;
    try {
      const rows = await this.events.claimDue(CLAIM_BATCH, LEASE_SECONDS);
      rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
      for (const row of rows) await this.deliver(row);
      await this.cleanUp();
      return rows.length;
    } catch (error) {
      this.logger.warn(`outbox poll failed: ${(error as Error).message}`);
      return 0;
    } finally {
      this.polling = false;
    }
  }

  /** Calls the early subscribers with the event; per subscriber name, whether its call succeeded. */
  private callEarly(event: DomainEvent): Map<string, Promise<boolean>> {
    const calls = new Map<string, Promise<boolean>>();
    for (const subscriber of this.outbox.subscribers()) {
      if (!subscriber.early) continue;
      calls.set(
        subscriber.name,
        Promise.resolve()
          .then(() => subscriber.handle(event))
          .then(
            () => true,
            () => false,
          ),
      );
    }
    return calls;
  }

  private async deliver(row: ClaimedRow, early?: Map<string, Promise<boolean>>): Promise<void> {
    const event = { id: row.id, type: row.type, submissionId: row.submission_id, payload: row.payload, createdAt: row.created_at } as DomainEvent;
    const done = new Set(row.handled ?? []);
    // Side by side: the subscribers do not depend on each other, and the live status page should
    // not wait for the webhook and LMS queries (each success is recorded on its own).
    const outcomes = await Promise.all(
      this.outbox
        .subscribers()
        .filter((subscriber) => !done.has(subscriber.name))
        .map(async (subscriber) => {
          try {
            // Called already (dispatch with the recorded event): a failure there is one more try here.
            if (!(await early?.get(subscriber.name))) await subscriber.handle(event);
            await this.events.markHandledBy(row.id, subscriber.name);
            return null;
          } catch (error) {
            return `${subscriber.name}: ${(error as Error).message}`;
          }
        }),
    );
    const failures = outcomes.filter((failure): failure is string => failure !== null);
    if (!failures.length) {
      await this.events.markDispatched(row.id);
      return;
    }
    const backoff = Math.min(2 ** row.attempts, MAX_BACKOFF_SECONDS);
    const lastError = failures.join('; ').slice(0, 2000);
    this.logger.warn({ eventId: row.id, type: row.type, attempts: row.attempts, retryInSeconds: backoff, lastError }, 'event subscriber failed; retrying');
    await this.events.retryLater(row.id, backoff, lastError);
  }

  private async cleanUp(): Promise<void> {
    if (Date.now() - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = Date.now();
    await this.events.deleteDispatchedBefore(KEEP_DISPATCHED_DAYS);
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
