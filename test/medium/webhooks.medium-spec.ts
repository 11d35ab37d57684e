import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../src/common/errors/domain-errors';
import { MAX_ENDPOINTS_PER_COURSE, WebhooksService } from '../../src/webhooks/webhooks.service';
import { type MediumContext, startMedium } from './medium.factory';

/** WebhooksService on a real database: registering endpoints, who manages which, the delivery log. */
describe('WebhooksService', () => {
  let ctx: MediumContext;
  let webhooks: WebhooksService;

  beforeAll(async () => {
    ctx = await startMedium();
    webhooks = ctx.get(WebhooksService);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  async function newCourseWithStaff() {
    const course = await ctx.data.newCourse();
    const instructor = await ctx.newPrincipal('instructor');
    const student = await ctx.newPrincipal('student');
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    await ctx.data.enrol(course.id, instructor.userId, 'instructor');
    await ctx.data.enrol(course.id, student.userId, 'student');
    return { course, instructor, student, lms };
  }

  it('registers an endpoint for every event by default and shows its secret only in that answer', async () => {
    const { course, instructor } = await newCourseWithStaff();
    const created = await webhooks.register(instructor.principal, course.slug, { url: 'https://lms.example.edu/hooks' });
    expect(created).toMatchObject({ course: course.slug, url: 'https://lms.example.edu/hooks', events: ['submission.graded'], active: true, owner: 'course', apiKeyId: null });
    expect((await ctx.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: created.id } })).secret).toBe(created.secret);

    const { secret, ...view } = created;
    expect(secret).toMatch(/^whsec_/);
    expect(await webhooks.list(instructor.principal, course.slug)).toEqual([view]);
    expect(await webhooks.get(instructor.principal, created.id)).not.toHaveProperty('secret');
  });

  it('refuses the same URL twice for one owner but takes it from another owner, up to the per-course maximum', async () => {
    const { course, instructor, lms } = await newCourseWithStaff();
    const url = 'https://lms.example.edu/same';
    await webhooks.register(instructor.principal, course.slug, { url });
    await expect(webhooks.register(instructor.principal, course.slug, { url })).rejects.toMatchObject({ constructor: ConflictError, problems: [{ field: 'url' }] });
    expect(await webhooks.register(lms.principal, course.slug, { url })).toMatchObject({ owner: 'api-key', apiKeyId: lms.principal.keyId });

    for (let i = 2; i < MAX_ENDPOINTS_PER_COURSE; i++) await webhooks.register(instructor.principal, course.slug, { url: `https://lms.example.edu/${i}` });
    expect(await ctx.prisma.webhookEndpoint.count({ where: { courseId: course.id } })).toBe(MAX_ENDPOINTS_PER_COURSE);
    await expect(webhooks.register(instructor.principal, course.slug, { url: 'https://lms.example.edu/one-too-many' })).rejects.toMatchObject({
      constructor: ConflictError,
      problems: [{ field: 'url', reason: `a course has at most ${MAX_ENDPOINTS_PER_COURSE} webhook endpoints` }],
    });
  });

  it('lets course staff see every endpoint of the course, an lms key only its own, and hides them from everyone else', async () => {
    const { course, instructor, student, lms } = await newCourseWithStaff();
    const elsewhere = await newCourseWithStaff();
    const staffs = await webhooks.register(instructor.principal, course.slug, { url: 'https://a.example/hook' });
    const lmsOwn = await webhooks.register(lms.principal, course.slug, { url: 'https://b.example/hook' });

    expect((await webhooks.list(instructor.principal, course.slug)).map((e) => e.id)).toEqual([staffs.id, lmsOwn.id]);
    expect((await webhooks.list(lms.principal, course.slug)).map((e) => e.id)).toEqual([lmsOwn.id]);
    await expect(webhooks.list(student.principal, course.slug)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(webhooks.get(lms.principal, staffs.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(webhooks.get(elsewhere.instructor.principal, staffs.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(webhooks.remove(elsewhere.lms.principal, lmsOwn.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(webhooks.get(instructor.principal, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('pages through the delivery log newest first without repeats, and serves one delivery with its payload', async () => {
    const { course, instructor } = await newCourseWithStaff();
    const endpoint = await webhooks.register(instructor.principal, course.slug, { url: 'https://a.example/log' });
    const other = await webhooks.register(instructor.principal, course.slug, { url: 'https://a.example/other' });
    const start = Date.now() - 60_000;
    // Pairs share a timestamp, so the id breaks ties as the keyset does.
    const rows = Array.from({ length: 7 }, (_, i) => ({
      id: randomUUID(),
      endpointId: endpoint.id,
      event: 'submission.graded',
      payload: { n: i },
      createdAt: new Date(start + Math.floor(i / 2) * 1000),
    }));
    await ctx.prisma.webhookDelivery.createMany({ data: rows });
    const foreign = await ctx.prisma.webhookDelivery.create({ data: { id: randomUUID(), endpointId: other.id, event: 'submission.graded', payload: {} } });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await webhooks.deliveries(instructor.principal, endpoint.id, { limit: 3, cursor });
      expect(page.items.length).toBeLessThanOrEqual(3);
      expect(page.items[0]).not.toHaveProperty('payload');
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const newestFirst = [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(seen).toEqual(newestFirst);

    await expect(webhooks.deliveries(instructor.principal, endpoint.id, { cursor: foreign.id })).rejects.toMatchObject({
      constructor: InvalidInputError,
      problems: [{ field: 'cursor' }],
    });
    expect(await webhooks.delivery(instructor.principal, endpoint.id, rows[4].id)).toMatchObject({ id: rows[4].id, status: 'pending', attempts: 0, payload: { n: 4 } });
    await expect(webhooks.delivery(instructor.principal, endpoint.id, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('deletes an endpoint together with its delivery log', async () => {
    const { course, instructor } = await newCourseWithStaff();
    const endpoint = await webhooks.register(instructor.principal, course.slug, { url: 'https://a.example/gone' });
    await ctx.prisma.webhookDelivery.create({ data: { id: randomUUID(), endpointId: endpoint.id, event: 'submission.graded', payload: {} } });
    await webhooks.remove(instructor.principal, endpoint.id);
    expect(await ctx.prisma.webhookEndpoint.count({ where: { id: endpoint.id } })).toBe(0);
    expect(await ctx.prisma.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    await expect(webhooks.get(instructor.principal, endpoint.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});
