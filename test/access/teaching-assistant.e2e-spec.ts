import { resolve } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { TestData, fixture } from '../support/fixtures';
import { newLmsKey, waitForGraded, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

/**
 * A teaching assistant (course role ta, a student-level user) reads what the course's staff read
 * and regrades, with a real worker grading; everything that changes what students are graded
 * against, who is on the roster, or what talks to the outside is 403 with a reason that says so,
 * and writes nothing.
 */
describe('teaching assistants: staff who read and regrade, and may not publish or manage', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let data: TestData;
  let course: { id: string; slug: string };
  let exercise: string;
  let ta: { id: string; key: string };
  let student: { id: string; key: string };
  let instructor: { id: string; key: string };
  let webhookId: string;
  let deliveryId: string;
  let submissionId: string;
  const http = () => request(app.getHttpServer());
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker({ PUBLISH_CATALOG: 'false' });
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    course = await data.newCourse();
    instructor = await data.newUser('instructor');
    ta = await data.newUser('student', 'Tess the TA');
    student = await data.newUser('student');
    await data.enrol(course.id, instructor.id, 'instructor');
    await data.enrol(course.id, ta.id, 'ta');
    await data.enrol(course.id, student.id, 'student');
    exercise = (await data.newExercise(course.id, 'squares')).slug;
    const webhook = await http().post(`/api/v1/courses/${course.slug}/webhooks`).set(as(instructor.key)).send({ url: 'http://127.0.0.1:9/hook' }).expect(201);
    webhookId = webhook.body.id;
    const submitted = await http()
      .post('/api/v1/submissions')
      .set(as(student.key))
      .send({ exercise: `${course.slug}/${exercise}`, files: { 'solution.py': fixture('exercises/squares/reference/solution.py') } })
      .expect(202);
    submissionId = submitted.body.id;
    await waitForGraded(app, student.key, submissionId, 120_000);
    deliveryId = (await waitUntil(
      () => prisma.webhookDelivery.findFirst({ where: { endpointId: webhookId } }),
      (d) => !!d,
      30_000,
      'a delivery row',
    ))!.id;
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  describe('what a TA may do, and it works', () => {
    it('sees the course as ta, and the home list says so', async () => {
      expect((await http().get(`/api/v1/courses/${course.slug}`).set(as(ta.key)).expect(200)).body).toMatchObject({ slug: course.slug, yourRole: 'ta' });
      expect((await http().get('/api/v1/courses').set(as(ta.key)).expect(200)).body).toEqual([expect.objectContaining({ slug: course.slug, yourRole: 'ta' })]);
    });

    it("reads hidden tests' names, which students do not see, and every version with its validation", async () => {
      const asTa = (await http().get(`/api/v1/courses/${course.slug}/exercises/${exercise}`).set(as(ta.key)).expect(200)).body;
      const asStudent = (await http().get(`/api/v1/courses/${course.slug}/exercises/${exercise}`).set(as(student.key)).expect(200)).body;
      expect(asTa.tests.map((t: { name: string }) => t.name)).toEqual(['total is right', 'total stays within 5 MiB']);
      expect(asStudent.tests.map((t: { name: string }) => t.name)).toEqual(['total is right', 'Hidden test 1']);
      expect((await http().get(`/api/v1/courses/${course.slug}/exercises/${exercise}/versions`).set(as(ta.key)).expect(200)).body).toEqual([
        expect.objectContaining({ number: 1, current: true }),
      ]);
    });

    it("reads a student's submission with hidden detail and flags, its code, and the flag filters", async () => {
      const view = (await http().get(`/api/v1/submissions/${submissionId}`).set(as(ta.key)).expect(200)).body;
      expect(view).toMatchObject({ status: 'graded', score: 3, flags: expect.any(Array) });
      expect(view.tests.map((t: { name: string }) => t.name)).toContain('total stays within 5 MiB');
      expect('flagSeverity' in view).toBe(true);
      const code = (await http().get(`/api/v1/submissions/${submissionId}/code`).set(as(ta.key)).expect(200)).body;
      expect(code.files['solution.py']).toContain('def total');
      const listed = (await http().get(`/api/v1/submissions?course=${course.slug}`).set(as(ta.key)).expect(200)).body;
      expect(listed.items.map((s: { id: string }) => s.id)).toContain(submissionId);
      await http().get(`/api/v1/submissions?course=${course.slug}&flagged=false`).set(as(ta.key)).expect(200);
      // Without a course, the flag filter reads the courses the TA is staff of.
      const unflagged = (await http().get('/api/v1/submissions?flagged=false').set(as(ta.key)).expect(200)).body;
      expect(unflagged.items.map((s: { id: string }) => s.id)).toContain(submissionId);
      // A plain student still may not.
      expect((await http().get('/api/v1/submissions?flagged=true').set(as(student.key)).expect(403)).body.message).toMatch(/filter for course staff/);
    });

    it('reads the gradebook (students only as rows, not the TA) and the roster', async () => {
      const book = (await http().get(`/api/v1/courses/${course.slug}/gradebook`).set(as(ta.key)).expect(200)).body;
      expect(JSON.stringify(book)).toContain(student.id);
      expect(JSON.stringify(book)).not.toContain(ta.id);
      const members = (await http().get(`/api/v1/courses/${course.slug}/members`).set(as(ta.key)).expect(200)).body;
      expect(members.map((m: { userId: string; role: string }) => `${m.userId}:${m.role}`)).toEqual(
        expect.arrayContaining([`${ta.id}:ta`, `${student.id}:student`, `${instructor.id}:instructor`]),
      );
      await http().get(`/api/v1/courses/${course.slug}/enrolments`).set(as(ta.key)).expect(200);
    });

    it('regrades one submission and a whole version, and the worker grades them again', async () => {
      await http().post(`/api/v1/submissions/${submissionId}/regrade`).set(as(ta.key)).expect(202);
      await waitUntil(
        () => prisma.gradingResult.count({ where: { submissionId } }),
        (runs) => runs >= 2,
        120_000,
        'the regrade stored a second run',
      );
      await waitForGraded(app, ta.key, submissionId, 120_000);
      const queued = (await http().post(`/api/v1/courses/${course.slug}/exercises/${exercise}/versions/1/regrade`).set(as(ta.key)).expect(202)).body;
      expect(queued).toMatchObject({ queued: 1, total: 1 });
      await waitUntil(
        () => prisma.gradingResult.count({ where: { submissionId } }),
        (runs) => runs >= 3,
        120_000,
        'the version regrade stored a third run',
      );
    });
  });

  describe('what a TA may not do: 403 saying why, and nothing written', () => {
    const reason = (what: RegExp) =>
      expect.objectContaining({
        statusCode: 403,
        error: 'forbidden',
        message: expect.stringMatching(new RegExp(`^a teaching assistant of course "[^"]+" may not ${what.source}`)),
      });

    it('may not publish an exercise version (make one current)', async () => {
      const files = loadExerciseFolder(resolve(__dirname, '../fixtures/exercises/imports')).files;
      const before = await prisma.exerciseVersion.count({ where: { exercise: { courseId: course.id } } });
      const refused = await http().post(`/api/v1/courses/${course.slug}/exercises`).set(as(ta.key)).send({ slug: 'ta-try', files }).expect(403);
      expect(refused.body).toEqual(reason(/publish exercise versions or make one current: only an admin, its instructors may/));
      expect(await prisma.exerciseVersion.count({ where: { exercise: { courseId: course.id } } })).toBe(before);
    });

    it('may not change the course', async () => {
      const refused = await http().patch(`/api/v1/courses/${course.slug}`).set(as(ta.key)).send({ title: 'Taken over' }).expect(403);
      expect(refused.body).toEqual(reason(/change the course/));
      expect((await prisma.course.findUniqueOrThrow({ where: { id: course.id } })).title).not.toBe('Taken over');
    });

    it('may not enrol, create, import, change roles or remove members, nor sync the roster from the LMS', async () => {
      const outsider = await data.newUser('student');
      const before = await prisma.enrolment.count({ where: { courseId: course.id } });
      const calls = [
        http().post(`/api/v1/courses/${course.slug}/enrolments`).send({ userId: outsider.id, role: 'student' }),
        http().delete(`/api/v1/courses/${course.slug}/enrolments/${student.id}`),
        http().post(`/api/v1/courses/${course.slug}/members`).send({ email: 'new@example.edu', displayName: 'New', role: 'student' }),
        http().post(`/api/v1/courses/${course.slug}/members`).send({ userId: outsider.id, role: 'student' }),
        http().post(`/api/v1/courses/${course.slug}/members/import`).send({ csv: 'email,name\nimp@example.edu,Imp\n' }),
        http().patch(`/api/v1/courses/${course.slug}/members/${student.id}`).send({ role: 'ta' }),
        // Not even their own role: a TA cannot make themselves an instructor.
        http().patch(`/api/v1/courses/${course.slug}/members/${ta.id}`).send({ role: 'instructor' }),
        http().delete(`/api/v1/courses/${course.slug}/members/${student.id}`),
        http().post(`/api/v1/courses/${course.slug}/lti/roster-sync`),
      ];
      for (const call of calls) expect((await call.set(as(ta.key)).expect(403)).body).toEqual(reason(/manage the roster/));
      expect(await prisma.enrolment.count({ where: { courseId: course.id } })).toBe(before);
      expect((await prisma.enrolment.findUniqueOrThrow({ where: { courseId_userId: { courseId: course.id, userId: ta.id } } })).role).toBe('ta');
      expect(await prisma.user.count({ where: { email: { in: ['new@example.edu', 'imp@example.edu'] } } })).toBe(0);
    });

    it('may not make lms keys, nor create LMS students or their keys', async () => {
      const keysBefore = await prisma.apiKey.count();
      expect((await http().post(`/api/v1/courses/${course.slug}/lms-keys`).set(as(ta.key)).send({ name: 'Sneaky' }).expect(403)).body).toEqual(reason(/make lms keys/));
      const lms = await newLmsKey(prisma, course.id);
      await http().post(`/api/v1/courses/${course.slug}/students`).set(as(lms.key)).send({ externalId: 'ext-1', displayName: 'From the LMS' }).expect(201);
      expect((await http().post(`/api/v1/courses/${course.slug}/students`).set(as(ta.key)).send({ externalId: 'ext-2', displayName: 'X' }).expect(403)).body).toEqual(
        reason(/create LMS students/),
      );
      expect((await http().post(`/api/v1/courses/${course.slug}/students/ext-1/keys`).set(as(ta.key)).expect(403)).body).toEqual(reason(/create LMS students or issue their keys/));
      expect(await prisma.apiKey.count()).toBe(keysBefore + 1);
    });

    it('may not register, list, read, delete webhooks or read their deliveries', async () => {
      const calls = [
        http().post(`/api/v1/courses/${course.slug}/webhooks`).send({ url: 'http://127.0.0.1:9/ta' }),
        http().get(`/api/v1/courses/${course.slug}/webhooks`),
        http().get(`/api/v1/webhooks/${webhookId}`),
        http().delete(`/api/v1/webhooks/${webhookId}`),
        http().get(`/api/v1/webhooks/${webhookId}/deliveries`),
        http().get(`/api/v1/webhooks/${webhookId}/deliveries/${deliveryId}`),
      ];
      for (const call of calls) expect((await call.set(as(ta.key)).expect(403)).body).toEqual(reason(/manage webhooks/));
      expect(await prisma.webhookEndpoint.count({ where: { courseId: course.id } })).toBe(1);
    });

    it('stays a TA of this course only: another course is 404 as for anyone not on its roster', async () => {
      const other = await data.newCourse();
      await http().get(`/api/v1/courses/${other.slug}/gradebook`).set(as(ta.key)).expect(404);
      await http().get(`/api/v1/courses/${other.slug}/members`).set(as(ta.key)).expect(404);
    });
  });
});
