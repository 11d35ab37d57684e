import { type DomainEvent, DomainEventType, type EventSubscriber } from '../../src/events/domain-events';
import { OutboxRepository } from '../../src/events/outbox.repository';
import { OutboxRelay } from '../../src/events/outbox-relay';
import { OutboxService } from '../../src/events/outbox.service';
import { WEBHOOKS_QUEUE } from '../../src/queue/queues';
import { SubmissionsService } from '../../src/submissions/submissions.service';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher';
import { WebhooksService } from '../../src/webhooks/webhooks.service';
import { waitUntil } from '../support/polling';
import { type MediumContext, startMedium } from './medium.factory';

/** A subscriber that notes every event it is handed, and fails for those a test names, as often as it says. */
class FlakySubscriber implements EventSubscriber {
  readonly name = 'flaky-test-subscriber';
  readonly failuresLeft = new Map<string, number>();
  readonly seen: string[] = [];

  async handle(event: DomainEvent): Promise<void> {
    this.seen.push(event.id);
    const left = this.failuresLeft.get(event.id) ?? 0;
    if (left > 0) {
      this.failuresLeft.set(event.id, left - 1);
      throw new Error('receiver down');
    }
  }
}

/**
 * The transactional outbox on a real database: a grading result and its submission.graded event are
 * stored together, and the relay hands every stored event to every subscriber, even one stored by a
 * process that died before it could say so, retrying a failed subscriber alone.
 */
describe('the outbox and its relay', () => {
  let ctx: MediumContext;
  let outbox: OutboxService;
  const flaky = new FlakySubscriber();

  beforeAll(async () => {
    ctx = await startMedium();
    outbox = ctx.get(OutboxService);
    outbox.subscribe(flaky);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  /**
   * A graded submission as a worker that died right after its commit leaves it: the run, the score
   * and the event stored, nobody told. With a webhook endpoint on its course. `beforeCommit` sees
   * the event's id while no relay can see the event yet.
   */
  async function gradedWithoutTelling(beforeCommit: (eventId: string) => void = () => undefined) {
    const course = await ctx.data.newCourse();
    const { slug } = await ctx.data.newExercise(course.id, 'imports');
    const student = await ctx.newPrincipal('student');
    const instructor = await ctx.newPrincipal('instructor');
    await ctx.data.enrol(course.id, student.userId, 'student');
    await ctx.data.enrol(course.id, instructor.userId, 'instructor');
    const endpoint = await ctx.get(WebhooksService).register(instructor.principal, course.slug, { url: 'https://lms.example.edu/graded' });
    const { id } = await ctx.get(SubmissionsService).create(student.principal, { exercise: `${course.slug}/${slug}`, files: { 'solution.py': 'print(1)\n' } });
    const eventId = await ctx.prisma.$transaction(async (tx) => {
      await tx.gradingResult.create({
        data: { submissionId: id, run: 1, verdict: 'ok', score: 1, maxScore: 1, exitCode: 0, wallMs: 5, stdout: '', stderr: '', flags: [], report: {} },
      });
      await tx.submission.update({ where: { id }, data: { status: 'graded', verdict: 'ok', score: 1, finishedAt: new Date() } });
      const recorded = await outbox.record(tx, { type: DomainEventType.submissionGraded, submissionId: id, payload: { run: 1, score: 1 } });
      beforeCommit(recorded);
      return recorded;
    });
    return { id, eventId, endpoint };
  }

  const eventRow = (id: string) => ctx.prisma.outboxEvent.findUniqueOrThrow({ where: { id } });

  it('delivers an event nobody dispatched (its process died after the commit): the poll finds it', async () => {
    const { id, eventId, endpoint } = await gradedWithoutTelling();
    const dispatched = await waitUntil(
      () => eventRow(eventId),
      (row) => row.dispatchedAt !== null,
      { withinMs: 15_000, what: 'the event dispatched' },
    );
    expect(dispatched.handled).toEqual(expect.arrayContaining(['live-status', 'webhooks']));
    const deliveries = await ctx.prisma.webhookDelivery.findMany({ where: { submissionId: id } });
    expect(deliveries).toEqual([expect.objectContaining({ endpointId: endpoint.id, outboxEventId: eventId, status: 'pending', event: 'submission.graded' })]);
    expect(deliveries[0].payload).toMatchObject({ id: deliveries[0].id, data: { submission: { id, status: 'graded', score: 1 } } });
    expect(await ctx.queue(WEBHOOKS_QUEUE).getJob(deliveries[0].id)).toMatchObject({ data: { deliveryId: deliveries[0].id } });
  });

  it('creates one delivery per endpoint however often the webhooks subscriber is handed the same event', async () => {
    const { id, eventId } = await gradedWithoutTelling();
    await waitUntil(
      () => eventRow(eventId),
      (row) => row.dispatchedAt !== null,
      { withinMs: 15_000, what: 'the event dispatched' },
    );
    const event = { id: eventId, type: DomainEventType.submissionGraded, submissionId: id, payload: { run: 1, score: 1 }, createdAt: new Date() };
    // As a relay that crashed between a subscriber's success and recording it would: twice more.
    await ctx.get(WebhookDispatcher).handle(event);
    await ctx.get(WebhookDispatcher).handle(event);
    expect(await ctx.prisma.webhookDelivery.count({ where: { submissionId: id } })).toBe(1);
  });

  it('retries only the subscriber that failed, after a backoff, and marks the event dispatched once it succeeds', async () => {
    const { id, eventId } = await gradedWithoutTelling((recorded) => flaky.failuresLeft.set(recorded, 1));
    const failed = await waitUntil(
      () => eventRow(eventId),
      (row) => row.lastError !== null,
      { withinMs: 15_000, what: 'the failed attempt' },
    );
    expect(failed).toMatchObject({ dispatchedAt: null, attempts: 1 });
    expect(failed.lastError).toContain('flaky-test-subscriber: receiver down');
    expect(failed.handled).toEqual(expect.arrayContaining(['webhooks', 'live-status']));
    expect(failed.handled).not.toContain('flaky-test-subscriber');
    // Not before its backoff (2 s after the first attempt).
    expect(failed.availableAt.getTime()).toBeGreaterThan(Date.now() + 500);

    const done = await waitUntil(
      () => eventRow(eventId),
      (row) => row.dispatchedAt !== null,
      { withinMs: 20_000, what: 'the retried event dispatched' },
    );
    expect(done).toMatchObject({ attempts: 2, lastError: null });
    expect(done.handled).toContain('flaky-test-subscriber');
    expect(flaky.seen.filter((seen) => seen === eventId)).toHaveLength(2);
    // The webhooks subscriber was not handed it again, and would have made nothing new if it had.
    expect(await ctx.prisma.webhookDelivery.count({ where: { submissionId: id } })).toBe(1);
  });

  it('lets two relays poll at once without handing an event to a subscriber twice', async () => {
    const events = await Promise.all([gradedWithoutTelling(), gradedWithoutTelling(), gradedWithoutTelling()]);
    const relay = ctx.get(OutboxRelay);
    // A second relay on the same database (another worker), polling alongside this context's own.
    const other = new OutboxRelay(new OutboxRepository(ctx.prisma), outbox);
    await Promise.all([relay.poll(), other.poll(), relay.poll(), other.poll()]);
    for (const { eventId } of events)
      await waitUntil(
        () => eventRow(eventId),
        (row) => row.dispatchedAt !== null,
        { withinMs: 15_000, what: 'the event dispatched' },
      );
    for (const { eventId } of events) expect(flaky.seen.filter((seen) => seen === eventId)).toHaveLength(1);
  });
});
