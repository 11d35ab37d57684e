import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';

const PER_STUDENT = 3;
const PER_LMS_KEY = 50;
const LINK_SECONDS = 8;

/**
 * An LMS acting for many students over the REST API: its key has a budget of its own while each
 * student it submits for is limited like a person; upserting a student updates their name and
 * email; the sign-in keys it issues expire (LMS_SIGN_IN_LINK_SECONDS) and can be revoked.
 */
describe('an LMS at scale', () => {
  let app: INestApplication;
  let slug: string;
  let exercise: string;
  let lms: Record<string, string>;
  const created: string[] = [];
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await startApi({
      SUBMISSION_RATE_LIMIT_PER_MINUTE: String(PER_STUDENT),
      LMS_SUBMISSION_RATE_LIMIT_PER_MINUTE: String(PER_LMS_KEY),
      LMS_SIGN_IN_LINK_SECONDS: String(LINK_SECONDS),
    });
    const data = new TestData(app.get(PrismaService));
    const admin = await data.newUser('admin');
    const course = await data.newCourse();
    slug = course.slug;
    exercise = `${course.slug}/${(await data.newExercise(course.id)).slug}`;
    const key = (await http().post(`/api/v1/courses/${slug}/lms-keys`).set('Authorization', `Bearer ${admin.key}`).send({ name: 'Moodle' }).expect(201)).body.secret;
    lms = { Authorization: `Bearer ${key}` };
  });

  afterAll(async () => {
    // No worker runs here: leave no grading jobs behind for later specs' workers, and end the
    // submissions too, or a later spec's sweeper would find them queued without a job and requeue them.
    const queue = app?.get<Queue>(getQueueToken(GRADING_QUEUE));
    for (const id of created) await queue?.remove(id).catch(() => undefined);
    await app
      ?.get(PrismaService)
      .submission.updateMany({ where: { id: { in: created }, status: 'queued' }, data: { status: 'error', errorReason: 'ended by the test that made it (no worker runs there)' } });
    await app?.close();
  });

  const newStudent = (externalId: string, displayName = `Student ${externalId}`) => http().post(`/api/v1/courses/${slug}/students`).set(lms).send({ externalId, displayName });
  const submitFor = async (student: string) => {
    const response = await http()
      .post('/api/v1/submissions')
      .set(lms)
      .send({ exercise, student, files: { 'solution.py': 'print(1)\n' } });
    if (response.status === 202) created.push(response.body.id);
    return response;
  };

  it('submits for 40 students within a minute unthrottled, throttles one student over their own limit, and has a budget per key', async () => {
    const students = Array.from({ length: 40 }, (_, i) => `scale-${i}`);
    for (const student of students) await newStudent(student).expect(201);
    const started = Date.now();
    for (const student of students) {
      const response = await submitFor(student);
      expect({ student, status: response.status }).toEqual({ student, status: 202 });
    }
    expect(Date.now() - started).toBeLessThan(60_000);

    // One student: their own limit of PER_STUDENT a minute, however large the LMS's budget.
    for (let i = 1; i < PER_STUDENT; i++) {
      const accepted = await submitFor('scale-0');
      expect(accepted.status).toBe(202);
      expect(accepted.headers['ratelimit-limit']).toBe(String(PER_STUDENT));
      expect(accepted.headers['ratelimit-remaining']).toBe(String(PER_STUDENT - 1 - i));
    }
    const refused = await submitFor('scale-0');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.body).toMatchObject({
      statusCode: 429,
      error: 'rate_limited',
      message: expect.stringContaining(`at most ${PER_STUDENT} submissions per minute per student ("scale-0")`),
    });
    // … while the LMS's other students go on.
    expect((await submitFor('scale-1')).status).toBe(202);

    // The key's own budget: PER_LMS_KEY requests a minute for all its students (44 so far, the refused one counted).
    const more = Array.from({ length: PER_LMS_KEY - 44 + 1 }, (_, i) => `budget-${i}`);
    for (const student of more) await newStudent(student).expect(201);
    const answers: number[] = [];
    for (const student of more) answers.push((await submitFor(student)).status);
    expect(answers.slice(0, -1).every((status) => status === 202)).toBe(true);
    expect(answers.at(-1)).toBe(429);
    const overBudget = await submitFor('budget-0');
    expect(overBudget.body.message).toContain(`at most ${PER_LMS_KEY} submissions per minute per lms key`);
  });

  it('updates the name (and the email when given) when it upserts a student again', async () => {
    // Emails are unique across the platform: this run's own, whatever other specs stored.
    const email = `ada-${slug}@example.edu`;
    const first = await newStudent('renamed', 'Ada Byron').expect(201);
    expect(first.body).toMatchObject({ displayName: 'Ada Byron', email: null, externalId: 'renamed' });
    const again = await http().post(`/api/v1/courses/${slug}/students`).set(lms).send({ externalId: 'renamed', displayName: 'Ada Lovelace', email }).expect(200);
    expect(again.body).toMatchObject({ id: first.body.id, displayName: 'Ada Lovelace', email });
    // Without an email the stored one stays; the name follows the LMS.
    const third = await http().post(`/api/v1/courses/${slug}/students`).set(lms).send({ externalId: 'renamed', displayName: 'Countess Lovelace' }).expect(200);
    expect(third.body).toMatchObject({ id: first.body.id, displayName: 'Countess Lovelace', email });
    const roster = await http().get(`/api/v1/courses/${slug}/enrolments`).set(lms).expect(200);
    expect(roster.body.find((row: { userId: string }) => row.userId === first.body.id)).toMatchObject({ displayName: 'Countess Lovelace' });

    // Another student's email is refused with the field named, and nothing changes.
    await newStudent('other').expect(201);
    const taken = await http().post(`/api/v1/courses/${slug}/students`).set(lms).send({ externalId: 'other', displayName: 'Other', email }).expect(409);
    expect(taken.body.fields).toEqual([{ field: 'email', reason: 'is already taken by another user' }]);
    const bad = await http().post(`/api/v1/courses/${slug}/students`).set(lms).send({ externalId: 'other', displayName: 'Other', email: 'not-an-email' }).expect(400);
    expect(bad.body.fields).toEqual([{ field: 'email', reason: 'must be an email address' }]);
  });

  it('issues sign-in keys that expire after LMS_SIGN_IN_LINK_SECONDS, with a clear 401', async () => {
    await newStudent('expiring').expect(201);
    const issued = await http().post(`/api/v1/courses/${slug}/students/expiring/keys`).set(lms).expect(201);
    const expiresAt = Date.parse(issued.body.expiresAt);
    expect(expiresAt - Date.now()).toBeGreaterThan(0);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(LINK_SECONDS * 1000);
    const link = { Authorization: `Bearer ${issued.body.secret}` };
    await http().get('/api/v1/users/me').set(link).expect(200);
    // A key made with the link (POST /keys) cannot outlive it.
    const made = (await http().post('/api/v1/keys').set(link).send({ name: 'spare' }).expect(201)).body;
    expect(made.expiresAt).toBe(issued.body.expiresAt);
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 200));
    const expired = await http().get('/api/v1/users/me').set(link).expect(401);
    expect(expired.body).toMatchObject({
      statusCode: 401,
      error: 'unauthenticated',
      message: `this sign-in link expired at ${issued.body.expiresAt}; ask your LMS for a new link`,
    });
    await http().get(`/api/v1/courses/${slug}/exercises`).set(link).expect(401);
    await http().get('/api/v1/users/me').set('Authorization', `Bearer ${made.secret}`).expect(401);
  });

  it('revokes one sign-in key, or all of a student, at once', async () => {
    await newStudent('revoked').expect(201);
    const one = (await http().post(`/api/v1/courses/${slug}/students/revoked/keys`).set(lms).expect(201)).body;
    const two = (await http().post(`/api/v1/courses/${slug}/students/revoked/keys`).set(lms).expect(201)).body;
    const three = (await http().post(`/api/v1/courses/${slug}/students/revoked/keys`).set(lms).expect(201)).body;
    await http().get('/api/v1/users/me').set('Authorization', `Bearer ${one.secret}`).expect(200);

    await http().delete(`/api/v1/courses/${slug}/students/revoked/keys/${one.id}`).set(lms).expect(200, { revoked: 1 });
    const refused = await http().get('/api/v1/users/me').set('Authorization', `Bearer ${one.secret}`).expect(401);
    expect(refused.body.message).toMatch(/^this sign-in link was revoked at \S+; ask your LMS for a new link$/);
    await http().get('/api/v1/users/me').set('Authorization', `Bearer ${two.secret}`).expect(200);
    // Revoking again is harmless; another student's key id is not this one's.
    await http().delete(`/api/v1/courses/${slug}/students/revoked/keys/${one.id}`).set(lms).expect(200, { revoked: 0 });
    await newStudent('bystander').expect(201);
    const theirs = (await http().post(`/api/v1/courses/${slug}/students/bystander/keys`).set(lms).expect(201)).body;
    const wrong = await http().delete(`/api/v1/courses/${slug}/students/revoked/keys/${theirs.id}`).set(lms).expect(404);
    expect(wrong.body.fields).toEqual([{ field: 'keyId', reason: 'no such sign-in key of this student' }]);
    await http().delete(`/api/v1/courses/${slug}/students/revoked/keys/not-a-uuid`).set(lms).expect(404);

    // Revoking a link revokes the keys made with it, and theirs.
    const child = (await http().post('/api/v1/keys').set('Authorization', `Bearer ${two.secret}`).send({ name: 'child' }).expect(201)).body;
    const grandchild = (await http().post('/api/v1/keys').set('Authorization', `Bearer ${child.secret}`).send({ name: 'grandchild' }).expect(201)).body;
    await http().delete(`/api/v1/courses/${slug}/students/revoked/keys/${two.id}`).set(lms).expect(200, { revoked: 3 });
    for (const key of [two, child, grandchild]) await http().get('/api/v1/users/me').set('Authorization', `Bearer ${key.secret}`).expect(401);
    await http().get('/api/v1/users/me').set('Authorization', `Bearer ${three.secret}`).expect(200);

    await http().delete(`/api/v1/courses/${slug}/students/revoked/keys`).set(lms).expect(200, { revoked: 1 });
    await http().get('/api/v1/users/me').set('Authorization', `Bearer ${three.secret}`).expect(401);
    await http().get('/api/v1/users/me').set('Authorization', `Bearer ${theirs.secret}`).expect(200);
  });
});
