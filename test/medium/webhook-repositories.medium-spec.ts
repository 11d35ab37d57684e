import { randomUUID } from 'node:crypto';
import { WebhookDeliveryRepository } from '../../src/webhooks/webhook-delivery.repository';
import { WebhookEndpointRepository } from '../../src/webhooks/webhook-endpoint.repository';
import { type MediumContext, startMedium } from './medium.factory';

/**
 * The webhook repositories' queries that carry a rule on a real database: who is told of an event,
 * one delivery per (event, endpoint) however often it is made, and which pending deliveries are due
 * to the sweeper.
 */
describe('webhook repositories', () => {
  let ctx: MediumContext;
  let endpoints: WebhookEndpointRepository;
  let deliveries: WebhookDeliveryRepository;

  beforeAll(async () => {
    ctx = await startMedium();
    endpoints = ctx.get(WebhookEndpointRepository);
    deliveries = ctx.get(WebhookDeliveryRepository);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const endpoint = (courseId: string, options: { apiKeyId?: string; active?: boolean; events?: string[] } = {}) =>
    ctx.prisma.webhookEndpoint.create({
      data: {
        courseId,
        url: `https://lms.example.edu/${randomUUID()}`,
        events: options.events ?? ['submission.graded'],
        secret: 'whsec_medium',
        apiKeyId: options.apiKeyId ?? null,
        active: options.active ?? true,
      },
    });

  async function submissionIn(courseId: string) {
    const { version } = await ctx.data.newExercise(courseId);
    const { id: userId } = await ctx.data.newUser('student');
    return ctx.prisma.submission.create({ data: { exerciseVersionId: version.id, userId, files: {}, maxScore: 1 } });
  }

  it('tells the active endpoints of the course subscribed to the event, and none of a revoked lms key', async () => {
    const course = await ctx.data.newCourse();
    const other = await ctx.data.newCourse();
    const live = await ctx.newPrincipal('lms', { courseId: course.id });
    const revoked = await ctx.newPrincipal('lms', { courseId: course.id });
    await ctx.prisma.apiKey.update({ where: { id: revoked.principal.keyId! }, data: { revokedAt: new Date() } });

    const staffs = await endpoint(course.id);
    const livesKey = await endpoint(course.id, { apiKeyId: live.principal.keyId! });
    await endpoint(course.id, { apiKeyId: revoked.principal.keyId! });
    await endpoint(course.id, { active: false });
    await endpoint(course.id, { events: ['submission.other'] });
    await endpoint(other.id);

    expect((await endpoints.idsSubscribedTo(course.id, 'submission.graded')).sort()).toEqual([staffs.id, livesKey.id].sort());
  });

  it('makes one delivery per event and endpoint however often it is asked, and owes only the pending ones', async () => {
    const course = await ctx.data.newCourse();
    const [first, second] = [await endpoint(course.id), await endpoint(course.id)];
    const submission = await submissionIn(course.id);
    const eventId = randomUUID();
    const rows = (endpointIds: string[], outboxEventId = eventId) =>
      endpointIds.map((endpointId) => ({ id: randomUUID(), endpointId, submissionId: submission.id, event: 'submission.graded', outboxEventId, payload: { n: 1 } }));

    const made = rows([first.id]);
    await deliveries.createOncePerEventAndEndpoint(made);
    // Handled again (new ids, as the dispatcher makes them), with one endpoint more since.
    await deliveries.createOncePerEventAndEndpoint(rows([first.id, second.id]));
    await deliveries.createOncePerEventAndEndpoint(rows([first.id], randomUUID()));

    const ofEvent = await ctx.prisma.webhookDelivery.findMany({ where: { outboxEventId: eventId } });
    expect(ofEvent).toHaveLength(2);
    expect(ofEvent.find((row) => row.endpointId === first.id)?.id).toBe(made[0].id);
    expect(await ctx.prisma.webhookDelivery.count({ where: { submissionId: submission.id } })).toBe(3);

    await deliveries.recordDelivered(made[0].id, 200);
    const owed = await deliveries.pendingIdsOfEvent(eventId);
    expect(owed).toEqual([ofEvent.find((row) => row.endpointId === second.id)!.id]);
  });

  it('hands the sweeper pending deliveries older than the cut-off, oldest first, at most as many as it asks for', async () => {
    const course = await ctx.data.newCourse();
    const { id: endpointId } = await endpoint(course.id);
    // Far in the past, so deliveries of other spec files on this database (made now) are never older.
    const at = (minute: number) => new Date(Date.UTC(2001, 0, 1, 0, minute));
    const row = (minute: number, status: 'pending' | 'delivered' | 'failed' = 'pending') => ({
      id: randomUUID(),
      endpointId,
      event: 'submission.graded',
      payload: {},
      status,
      createdAt: at(minute),
    });
    const [third, first, second, delivered, failed, tooYoung] = [row(3), row(1), row(2), row(0, 'delivered'), row(0, 'failed'), row(10)];
    await ctx.prisma.webhookDelivery.createMany({ data: [third, first, second, delivered, failed, tooYoung] });

    expect(await deliveries.pendingIdsCreatedBefore(at(10), 500)).toEqual([first.id, second.id, third.id]);
    expect(await deliveries.pendingIdsCreatedBefore(at(10), 2)).toEqual([first.id, second.id]);
  });

  it('ends a delivery failed only while it is pending, and records attempts on rows that may be gone', async () => {
    const course = await ctx.data.newCourse();
    const { id: endpointId } = await endpoint(course.id);
    const [pending, done] = [randomUUID(), randomUUID()];
    await ctx.prisma.webhookDelivery.createMany({
      data: [
        { id: pending, endpointId, event: 'submission.graded', payload: {} },
        { id: done, endpointId, event: 'submission.graded', payload: {}, status: 'delivered' },
      ],
    });
    await deliveries.recordFailedAttempt(pending, { statusCode: 503, error: 'HTTP 503', last: false });
    await deliveries.failIfPending(pending, 'given up');
    await deliveries.failIfPending(done, 'given up');
    await expect(deliveries.recordDelivered(randomUUID(), 200)).resolves.toBeUndefined();

    expect(await ctx.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: pending } })).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatusCode: 503,
      lastError: 'given up',
    });
    expect(await ctx.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: done } })).toMatchObject({ status: 'delivered', lastError: null });
  });
});
