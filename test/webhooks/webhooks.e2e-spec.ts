import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { WEBHOOKS_QUEUE } from '../../src/queue/queues';
import { WebhookDeliverySweeper } from '../../src/webhooks/webhook-delivery-sweeper';
import { verifyWebhookSignature } from '../../src/webhooks/webhook-signature';
import { fixture, TestData } from '../support/fixtures';
import { newLmsKey, freePort, startReceiver, waitForGraded, waitUntil } from '../support/integrations';
import { newOwnDatabase } from '../support/own-database';
import { startApi, startWorker } from '../support/platform';

/** How long the worker lets a receiver take in this spec: long, so a hanging receiver is visibly in flight. */
const RECEIVER_TIMEOUT_MS = 20_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('webhooks: registration, signed delivery, retries, and receivers that are down', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let data: TestData;
  const receivers: { close: () => Promise<void> }[] = [];
  const courseIds: string[] = [];
  // The delivery sweeper looks at every pending delivery of its database: this spec has its own, so
  // a sweep here counts only what the spec made.
  let database: Awaited<ReturnType<typeof newOwnDatabase>>;

  beforeAll(async () => {
    database = await newOwnDatabase('webhooks');
    app = await startApi({ DATABASE_URL: database.url });
    worker = await startWorker({ DATABASE_URL: database.url, WEBHOOK_TIMEOUT_MS: String(RECEIVER_TIMEOUT_MS) });
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
  });

  afterAll(async () => {
    // Receivers first, so deliveries in flight end at once; then nothing is left to retry later.
    for (const receiver of receivers) await receiver.close();
    await prisma?.webhookEndpoint.deleteMany({ where: { courseId: { in: courseIds } } });
    await worker?.close();
    await app?.get<Queue>(getQueueToken(WEBHOOKS_QUEUE)).obliterate({ force: true });
    await app?.close();
    await database?.drop();
  });

  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const server = () => app.getHttpServer();

  /** A course with an instructor, a student known to the LMS as "lms-student-42", and the one-point "imports" exercise. */
  async function courseWithStudent() {
    const course = await data.newCourse();
    courseIds.push(course.id);
    const instructor = await data.newUser('instructor');
    const student = await data.newUser('student');
    await data.enrol(course.id, instructor.id, 'instructor');
    await data.enrol(course.id, student.id, 'student');
    await prisma.user.update({ where: { id: student.id }, data: { externalSource: course.id, externalId: 'lms-student-42' } });
    const { slug, exercise } = await data.newExercise(course.id, 'imports');
    const submit = async () => {
      const response = await request(server())
        .post('/api/v1/submissions')
        .set(auth(student.key))
        .send({ exercise: `${course.slug}/${slug}`, files: { 'solution.py': fixture('submissions/prints-total.py') } })
        .expect(202);
      return response.body.id as string;
    };
    return { course, instructor, student, exerciseSlug: slug, exerciseTitle: exercise.title, submit };
  }

  const register = (key: string, courseSlug: string, body: object) => request(server()).post(`/api/v1/courses/${courseSlug}/webhooks`).set(auth(key)).send(body);
  const deliveries = (key: string, endpointId: string, query = '') => request(server()).get(`/api/v1/webhooks/${endpointId}/deliveries${query}`).set(auth(key));

  it('registers endpoints for course staff and lms keys, with the secret shown once and named field errors', async () => {
    const { course, instructor, student } = await courseWithStudent();
    const url = 'https://lms.example.edu/hooks/memgrade';
    const created = await register(instructor.key, course.slug, { url }).expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID),
      course: course.slug,
      url,
      events: ['submission.graded'],
      active: true,
      owner: 'course',
      apiKeyId: null,
      createdAt: expect.any(String),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{40,}$/),
    });

    const bad = async (body: object, field: string, reason: RegExp) => {
      const response = await register(instructor.key, course.slug, body).expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'invalid_input' });
      expect(response.body.fields).toEqual(expect.arrayContaining([{ field, reason: expect.stringMatching(reason) }]));
    };
    await bad({}, 'url', /http/);
    await bad({ url: 'ftp://files.example.edu/x' }, 'url', /must use http or https \(got "ftp"\)/);
    await bad({ url: 'not a url' }, 'url', /white space/);
    await bad({ url: 'https://user:pw@example.edu/x' }, 'url', /credentials/);
    await bad({ url, events: ['submission.created'] }, 'events', /known events/);
    await bad({ url, events: [] }, 'events', /at least one/);
    await bad({ url, secret: 'mine' }, 'secret', /should not exist/);
    const duplicate = await register(instructor.key, course.slug, { url }).expect(409);
    expect(duplicate.body.fields).toEqual([{ field: 'url', reason: expect.stringContaining('already registered') }]);

    await register(student.key, course.slug, { url: 'https://x.example/1' }).expect(403);
    const outsider = await data.newUser('instructor');
    await register(outsider.key, course.slug, { url: 'https://x.example/1' }).expect(404);

    const lms = await newLmsKey(prisma, course.id);
    const byLms = await register(lms.key, course.slug, { url: 'https://lms.example.edu/other' }).expect(201);
    expect(byLms.body).toMatchObject({ owner: 'api-key', apiKeyId: lms.keyId, course: course.slug });

    const staffList = await request(server()).get(`/api/v1/courses/${course.slug}/webhooks`).set(auth(instructor.key)).expect(200);
    expect(staffList.body.map((e: { id: string }) => e.id)).toEqual([created.body.id, byLms.body.id]);
    for (const endpoint of staffList.body) expect(endpoint).not.toHaveProperty('secret');
    const lmsList = await request(server()).get(`/api/v1/courses/${course.slug}/webhooks`).set(auth(lms.key)).expect(200);
    expect(lmsList.body.map((e: { id: string }) => e.id)).toEqual([byLms.body.id]);
    await request(server()).get(`/api/v1/courses/${course.slug}/webhooks`).set(auth(student.key)).expect(403);

    // An lms key sees and deletes only its own endpoints; another course's lms key sees nothing.
    await request(server()).get(`/api/v1/webhooks/${created.body.id}`).set(auth(lms.key)).expect(404);
    const other = await data.newCourse();
    courseIds.push(other.id);
    const otherLms = await newLmsKey(prisma, other.id);
    await request(server()).delete(`/api/v1/webhooks/${byLms.body.id}`).set(auth(otherLms.key)).expect(404);
    await register(otherLms.key, course.slug, { url: 'https://x.example/2' }).expect(404);
    await request(server()).delete('/api/v1/webhooks/not-a-uuid').set(auth(instructor.key)).expect(404);

    const one = await request(server()).get(`/api/v1/webhooks/${created.body.id}`).set(auth(instructor.key)).expect(200);
    expect(one.body).not.toHaveProperty('secret');
    await request(server()).delete(`/api/v1/webhooks/${byLms.body.id}`).set(auth(lms.key)).expect(204);
    await request(server()).delete(`/api/v1/webhooks/${created.body.id}`).set(auth(instructor.key)).expect(204);
    await request(server()).get(`/api/v1/webhooks/${created.body.id}`).set(auth(instructor.key)).expect(404);
    expect(await prisma.webhookEndpoint.count({ where: { courseId: course.id } })).toBe(0);
  });

  it('delivers submission.graded, signed, to the course endpoint and the lms endpoint, and logs it', async () => {
    const receiver = await startReceiver(() => 200);
    receivers.push(receiver);
    const { course, instructor, student, exerciseSlug, exerciseTitle, submit } = await courseWithStudent();
    const lms = await newLmsKey(prisma, course.id);
    const courseHook = (await register(instructor.key, course.slug, { url: `${receiver.url}/course` }).expect(201)).body;
    const lmsHook = (await register(lms.key, course.slug, { url: `${receiver.url}/lms` }).expect(201)).body;

    const submissionId = await submit();
    const graded = await waitForGraded(app, student.key, submissionId);
    expect(graded).toMatchObject({ status: 'graded', verdict: 'ok', score: 1 });
    await waitUntil(
      async () => receiver.received.length,
      (n) => n >= 2,
      30_000,
      'two webhook requests',
    );

    for (const [hook, path] of [
      [courseHook, '/course'],
      [lmsHook, '/lms'],
    ] as const) {
      const got = receiver.received.find((r) => r.path === path)!;
      expect(got.headers).toMatchObject({
        'content-type': 'application/json',
        'memgrade-event': 'submission.graded',
        'memgrade-delivery': expect.stringMatching(UUID),
        'memgrade-timestamp': expect.stringMatching(/^\d{10}$/),
        'memgrade-signature': expect.stringMatching(/^v1=[0-9a-f]{64}$/),
      });
      expect(Math.abs(Number(got.headers['memgrade-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(verifyWebhookSignature(hook.secret, got.headers, got.body, 300)).toBe(true);
      const otherSecret = hook === courseHook ? lmsHook.secret : courseHook.secret;
      expect(verifyWebhookSignature(otherSecret, got.headers, got.body, 300)).toBe(false);
      expect(verifyWebhookSignature(hook.secret, got.headers, got.body.replace('"score":1', '"score":9'), 300)).toBe(false);

      const payload = JSON.parse(got.body);
      expect(payload).toEqual({
        id: got.headers['memgrade-delivery'],
        event: 'submission.graded',
        createdAt: expect.any(String),
        data: {
          course: course.slug,
          exercise: { slug: exerciseSlug, title: exerciseTitle },
          student: { id: student.id, externalId: 'lms-student-42' },
          submission: expect.objectContaining({ id: submissionId, exercise: `${course.slug}/${exerciseSlug}`, status: 'graded', verdict: 'ok', score: 1, maxScore: 1 }),
        },
      });
      // The staff view: instructor-only detail is there (students never see that key).
      expect(payload.data.submission.tests[0]).toHaveProperty('detail');

      const log = await waitUntil(
        async () => (await deliveries(hook === courseHook ? instructor.key : lms.key, hook.id).expect(200)).body,
        (body) => body.items[0]?.status === 'delivered',
        10_000,
        'delivery logged as delivered',
      );
      expect(log).toEqual({
        items: [
          {
            id: payload.id,
            endpointId: hook.id,
            event: 'submission.graded',
            submissionId,
            status: 'delivered',
            attempts: 1,
            lastStatusCode: 200,
            lastError: null,
            createdAt: expect.any(String),
            deliveredAt: expect.any(String),
          },
        ],
        nextCursor: null,
      });
      const single = await request(server()).get(`/api/v1/webhooks/${hook.id}/deliveries/${payload.id}`).set(auth(instructor.key)).expect(200);
      expect(single.body.payload).toEqual(payload);
    }
  });

  it('retries a receiver that answers 500 twice, with the production backoff, until it is delivered (attempts 3)', async () => {
    const receiver = await startReceiver((_request, count) => (count <= 2 ? 500 : 200));
    receivers.push(receiver);
    const { course, instructor, student, submit } = await courseWithStudent();
    const hook = (await register(instructor.key, course.slug, { url: `${receiver.url}/flaky` }).expect(201)).body;
    await waitForGraded(app, student.key, await submit());

    const afterFirst = await waitUntil(
      async () => (await deliveries(instructor.key, hook.id).expect(200)).body.items[0],
      (item) => item?.attempts >= 1,
      30_000,
      'first attempt logged',
    );
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'HTTP 500: receiver says 500' });

    const final = await waitUntil(
      async () => (await deliveries(instructor.key, hook.id).expect(200)).body.items[0],
      (item) => item.status !== 'pending',
      60_000,
      'delivery settled',
    );
    expect(final).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, deliveredAt: expect.any(String) });
    expect(receiver.received).toHaveLength(3);
    // One delivery id throughout (receivers deduplicate on it), each attempt signed afresh.
    expect(new Set(receiver.received.map((r) => r.headers['memgrade-delivery']))).toEqual(new Set([final.id]));
    for (const attempt of receiver.received) expect(verifyWebhookSignature(hook.secret, attempt.headers, attempt.body)).toBe(true);
    // webhookJobOptions: exponential backoff from 5 s, so about 5 s then 10 s between attempts.
    const [first, second, third] = receiver.received.map((r) => r.at);
    expect(second - first).toBeGreaterThanOrEqual(4_500);
    expect(third - second).toBeGreaterThanOrEqual(9_000);
  });

  it('never slows grading: with receivers hanging and refusing, the next submission is graded while their deliveries are still in flight', async () => {
    const hanging = await startReceiver(() => 'hang');
    receivers.push(hanging);
    const refused = await freePort();
    const { course, instructor, student, submit } = await courseWithStudent();
    for (const path of ['/1', '/2', '/3']) await register(instructor.key, course.slug, { url: `${hanging.url}${path}` }).expect(201);
    const refusing = (await register(instructor.key, course.slug, { url: `http://127.0.0.1:${refused}/hook` }).expect(201)).body;

    const first = await waitForGraded(app, student.key, await submit());
    expect(first.status).toBe('graded');
    await waitUntil(
      async () => hanging.hanging(),
      (n) => n >= 3,
      15_000,
      'three requests held open by the hanging receiver',
    );
    const refusedLog = await waitUntil(
      async () => (await deliveries(instructor.key, refusing.id).expect(200)).body.items[0],
      (item) => item?.attempts >= 1,
      15_000,
      'refused attempt logged',
    );
    expect(refusedLog).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: expect.stringContaining('ECONNREFUSED') });

    const started = Date.now();
    const secondId = await submit();
    const second = await waitForGraded(app, student.key, secondId, RECEIVER_TIMEOUT_MS);
    const elapsed = Date.now() - started;
    expect(second).toMatchObject({ status: 'graded', verdict: 'ok', score: 1 });
    // Far below the 20 s a hanging receiver holds a delivery: grading did not wait for any of them.
    expect(elapsed).toBeLessThan(RECEIVER_TIMEOUT_MS / 2);
    expect(second.durationMs).toBeLessThan(RECEIVER_TIMEOUT_MS / 2);
    const firstDeliveries = await prisma.webhookDelivery.findMany({ where: { submissionId: first.id, endpoint: { url: { startsWith: hanging.url } } } });
    expect(firstDeliveries.map((d) => [d.status, d.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
      ['pending', 0],
    ]);
    // ...and the second grading still dispatched its own events.
    await waitUntil(
      async () => prisma.webhookDelivery.count({ where: { submissionId: secondId } }),
      (n) => n === 4,
      5_000,
      'deliveries of the second submission',
    );
  });

  it('queues again, and delivers, a pending delivery whose job Redis never got (the sweeper)', async () => {
    const receiver = await startReceiver(() => 200);
    receivers.push(receiver);
    const { course, instructor } = await courseWithStudent();
    const hook = (await register(instructor.key, course.slug, { url: `${receiver.url}/late` }).expect(201)).body;
    // Stored but never queued, as when Redis did not answer the dispatcher in time.
    const id = randomUUID();
    await prisma.webhookDelivery.create({
      data: { id, endpointId: hook.id, event: 'submission.graded', payload: { id, event: 'submission.graded', data: {} }, createdAt: new Date(Date.now() - 120_000) },
    });
    expect(await worker.get(WebhookDeliverySweeper).sweep()).toBe(1);
    const delivered = await waitUntil(
      async () => (await deliveries(instructor.key, hook.id).expect(200)).body.items[0],
      (item) => item.status === 'delivered',
      15_000,
      'swept delivery delivered',
    );
    expect(delivered).toMatchObject({ id, attempts: 1, lastStatusCode: 200 });
    expect(receiver.received.map((r) => r.headers['memgrade-delivery'])).toEqual([id]);
  });

  it('pages the delivery log newest first with an opaque cursor, and names bad paging input', async () => {
    const { course, instructor } = await courseWithStudent();
    const hook = (await register(instructor.key, course.slug, { url: 'https://lms.example.edu/paged' }).expect(201)).body;
    const base = Date.now() - 60_000;
    const ids = Array.from({ length: 5 }, () => randomUUID());
    await prisma.webhookDelivery.createMany({
      data: ids.map((id, i) => ({
        id,
        endpointId: hook.id,
        event: 'submission.graded',
        payload: {},
        status: 'delivered' as const,
        attempts: 1,
        createdAt: new Date(base + i * 1000),
      })),
    });
    const seen: string[] = [];
    let cursor = '';
    for (const expected of [2, 2, 1]) {
      const page = (await deliveries(instructor.key, hook.id, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200)).body;
      expect(page.items).toHaveLength(expected);
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
    }
    expect(cursor).toBeNull();
    expect(seen).toEqual([...ids].reverse());

    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=ten', 'limit'],
      ['?cursor=nope', 'cursor'],
      [`?cursor=${randomUUID()}`, 'cursor'],
      ['?page=2', 'page'],
    ]) {
      const response = await deliveries(instructor.key, hook.id, query).expect(400);
      expect(response.body.fields).toEqual(expect.arrayContaining([{ field, reason: expect.any(String) }]));
    }
  });
});
