import { createHmac } from 'node:crypto';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { fixture, TestData } from '../support/fixtures';
import { startReceiver, waitForGraded, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

/**
 * What an LMS does, over HTTP only: get a key for its course, create a student by its own user id,
 * submit on the student's behalf, receive the signed submission.graded webhook (verified here with
 * the recipe of the README, not with memgrade's code) and find the score in the gradebook CSV.
 */
describe('an LMS drives memgrade', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    receiver = await startReceiver();
  });

  afterAll(async () => {
    await receiver?.close();
    await worker?.close();
    await app?.close();
  });

  it('creates a student, submits for them, gets a verifiable webhook and sees the score in the gradebook', async () => {
    const data = new TestData(app.get(PrismaService));
    const admin = await data.newUser('admin');
    const course = await data.newCourse();
    const { slug } = await data.newExercise(course.id, 'squares');
    const http = () => request(app.getHttpServer());
    const lmsKey = (await http().post(`/api/v1/courses/${course.slug}/lms-keys`).set('Authorization', `Bearer ${admin.key}`).send({ name: 'Moodle' }).expect(201)).body.secret;
    const as = { Authorization: `Bearer ${lmsKey}` };

    const hook = await http()
      .post(`/api/v1/courses/${course.slug}/webhooks`)
      .set(as)
      .send({ url: `${receiver.url}/memgrade` })
      .expect(201);
    const student = await http().post(`/api/v1/courses/${course.slug}/students`).set(as).send({ externalId: 'moodle-4711', displayName: 'Ada' }).expect(201);
    const submitted = await http()
      .post('/api/v1/submissions')
      .set(as)
      .set('Idempotency-Key', 'moodle-attempt-1')
      .send({ exercise: `${course.slug}/${slug}`, student: 'moodle-4711', files: { 'solution.py': fixture('exercises/squares/reference/solution.py') } })
      .expect(202);
    const graded = await waitForGraded(app, lmsKey, submitted.body.id);
    expect(graded).toMatchObject({ status: 'graded', score: 3, maxScore: 3 });

    // The webhook, verified as a receiver would: HMAC-SHA256(secret, "<timestamp>.<raw body>").
    const delivery = await waitUntil(async () => receiver.received.find((r) => r.path === '/memgrade'), Boolean, 30_000, 'the webhook');
    const timestamp = String(delivery!.headers['memgrade-timestamp']);
    const expected = createHmac('sha256', hook.body.secret).update(`${timestamp}.${delivery!.body}`).digest('hex');
    expect(delivery!.headers['memgrade-signature']).toBe(`v1=${expected}`);
    expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
    const payload = JSON.parse(delivery!.body);
    expect(payload).toMatchObject({
      event: 'submission.graded',
      data: { course: course.slug, student: { id: student.body.id, externalId: 'moodle-4711' }, submission: { id: submitted.body.id, score: 3, maxScore: 3 } },
    });

    const csv = await http().get(`/api/v1/courses/${course.slug}/gradebook?format=csv`).set(as).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = csv.text.trim().split(/\r?\n/);
    expect(header).toBe(`student_id,external_id,display_name,${slug},total`);
    expect(rows).toEqual([`${student.body.id},moodle-4711,Ada,3,3`]);
  });
});
