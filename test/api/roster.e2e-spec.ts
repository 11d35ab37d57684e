import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';

/**
 * Access follows the roster: once a student's enrolment is removed, nothing acts on their behalf
 * in the course any more — not the course's lms key on any of its on-behalf routes, and not the
 * sign-in keys the LMS handed out for the course (nor keys made with them).
 */
describe('access follows the roster: a removed student loses every on-behalf route and their course-bound keys', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let data: TestData;
  const http = () => request(app.getHttpServer());
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    app = await startApi();
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
  });

  afterAll(async () => {
    // No worker runs here: drop the submissions' jobs so later specs' workers do not grade them.
    await app?.get<Queue>(getQueueToken(GRADING_QUEUE)).obliterate({ force: true });
    await app?.close();
  });

  async function lmsCourseWithStudent(externalId: string) {
    const course = await data.newCourse();
    const instructor = await data.newUser('instructor');
    await data.enrol(course.id, instructor.id, 'instructor');
    const { slug: exercise } = await data.newExercise(course.id, 'imports');
    const lmsKey = (await http().post(`/api/v1/courses/${course.slug}/lms-keys`).set(as(instructor.key)).send({ name: 'Moodle' }).expect(201)).body.secret as string;
    const student = (await http().post(`/api/v1/courses/${course.slug}/students`).set(as(lmsKey)).send({ externalId, displayName: 'Ada' }).expect(201)).body;
    const signIn = (await http().post(`/api/v1/courses/${course.slug}/students/${externalId}/keys`).set(as(lmsKey)).expect(201)).body;
    const submit = (key: string, body: object = {}) =>
      http()
        .post('/api/v1/submissions')
        .set(as(key))
        .send({ exercise: `${course.slug}/${exercise}`, files: { 'solution.py': 'print(1)\n' }, ...body });
    return { course, instructor, exercise, lmsKey, student, signIn, submit };
  }

  it('before removal the lms key acts for the student; after it, every on-behalf route answers 404 or 403 and their sign-in keys 401', async () => {
    const { course, instructor, exercise, lmsKey, student, signIn, submit } = await lmsCourseWithStudent('u-17');
    expect(signIn.courseId).toBe(course.id);
    // A key the student makes with the sign-in key is bound to the same course.
    const derived = (await http().post('/api/v1/keys').set(as(signIn.secret)).send({ name: 'laptop' }).expect(201)).body;
    expect(derived.courseId).toBe(course.id);
    const own = (await submit(signIn.secret).expect(202)).body.id as string;
    const onBehalf = (await submit(lmsKey, { student: 'u-17' }).expect(202)).body.id as string;
    await prisma.submission.update({ where: { id: own }, data: { status: 'graded', score: 1, finishedAt: new Date() } });

    // Before: every on-behalf route works.
    await http().get(`/api/v1/submissions/${own}`).set(as(lmsKey)).expect(200);
    await http().get(`/api/v1/submissions/${onBehalf}`).set(as(lmsKey)).expect(200);
    const listed = await http().get(`/api/v1/submissions?course=${course.slug}&student=${student.id}`).set(as(lmsKey)).expect(200);
    expect(listed.body.items.map((s: { id: string }) => s.id).sort()).toEqual([own, onBehalf].sort());
    await http().post(`/api/v1/courses/${course.slug}/students`).set(as(lmsKey)).send({ externalId: 'u-17', displayName: 'Ada' }).expect(200);
    await http().get('/api/v1/users/me').set(as(signIn.secret)).expect(200);
    await http().get('/api/v1/users/me').set(as(derived.secret)).expect(200);

    await http().delete(`/api/v1/courses/${course.slug}/enrolments/${student.id}`).set(as(instructor.key)).expect(204);

    // Submitting for them.
    const refusedSubmit = await submit(lmsKey, { student: 'u-17' }).expect(404);
    expect(refusedSubmit.body.fields).toEqual([{ field: 'student', reason: expect.stringContaining('removed from its roster') }]);
    // Issuing them a sign-in key.
    const refusedKey = await http().post(`/api/v1/courses/${course.slug}/students/u-17/keys`).set(as(lmsKey)).expect(404);
    expect(refusedKey.body.fields).toEqual([{ field: 'externalId', reason: expect.stringContaining('removed from its roster') }]);
    // Creating (finding) them again.
    const refusedCreate = await http().post(`/api/v1/courses/${course.slug}/students`).set(as(lmsKey)).send({ externalId: 'u-17', displayName: 'Ada' }).expect(403);
    expect(refusedCreate.body.fields).toEqual([{ field: 'externalId', reason: expect.stringContaining('removed from this course') }]);
    // Reading their submissions: one by one, live, listed, and regrading them (one or a version's worth).
    for (const id of [own, onBehalf]) {
      await http().get(`/api/v1/submissions/${id}`).set(as(lmsKey)).expect(404);
      await http().get(`/api/v1/submissions/${id}/events`).set(as(lmsKey)).expect(404);
      await http().post(`/api/v1/submissions/${id}/regrade`).set(as(lmsKey)).expect(404);
    }
    expect((await http().get(`/api/v1/submissions?course=${course.slug}&student=${student.id}`).set(as(lmsKey)).expect(200)).body.items).toEqual([]);
    expect((await http().get('/api/v1/submissions').set(as(lmsKey)).expect(200)).body.items).toEqual([]);
    expect((await http().post(`/api/v1/courses/${course.slug}/exercises/${exercise}/versions/1/regrade`).set(as(lmsKey)).expect(202)).body).toMatchObject({
      queued: 0,
      total: 0,
      done: true,
    });
    // The gradebook has no row for them.
    const gradebook = await http().get(`/api/v1/courses/${course.slug}/gradebook`).set(as(lmsKey)).expect(200);
    expect(gradebook.body.students.map((s: { id: string }) => s.id)).not.toContain(student.id);
    // Their course-bound keys: the sign-in key and the one made with it.
    for (const key of [signIn.secret, derived.secret]) {
      await http().get('/api/v1/users/me').set(as(key)).expect(401);
      await submit(key).expect(401);
      await http().get(`/api/v1/submissions/${own}`).set(as(key)).expect(401);
    }
    expect(await prisma.apiKey.count({ where: { userId: student.id, courseId: course.id, revokedAt: null } })).toBe(0);

    // Course staff still see the course's history.
    await http().get(`/api/v1/submissions/${own}`).set(as(instructor.key)).expect(200);
  });

  it('an enrolment removed behind the API (e.g. by a roster sync) ends the sign-in keys too, and enrolling again restores the lms key’s rights', async () => {
    const { course, instructor, lmsKey, student, signIn, submit } = await lmsCourseWithStudent('u-18');
    await prisma.enrolment.deleteMany({ where: { courseId: course.id, userId: student.id } });
    // Not revoked, but refused: the key works only while its owner is on the course's roster.
    await http().get('/api/v1/users/me').set(as(signIn.secret)).expect(401);
    await submit(lmsKey, { student: 'u-18' }).expect(404);

    await http().post(`/api/v1/courses/${course.slug}/enrolments`).set(as(instructor.key)).send({ userId: student.id, role: 'student' }).expect(201);
    await submit(lmsKey, { student: 'u-18' }).expect(202);
    const fresh = (await http().post(`/api/v1/courses/${course.slug}/students/u-18/keys`).set(as(lmsKey)).expect(201)).body;
    await http().get('/api/v1/users/me').set(as(fresh.secret)).expect(200);
  });

  it('a student removed from one course keeps the other, with a key not bound to a course', async () => {
    const { course, instructor } = await lmsCourseWithStudent('u-19');
    const other = await data.newCourse();
    const person = await data.newUser('student');
    await data.enrol(course.id, person.id, 'student');
    await data.enrol(other.id, person.id, 'student');
    await http().delete(`/api/v1/courses/${course.slug}/enrolments/${person.id}`).set(as(instructor.key)).expect(204);
    await http().get('/api/v1/users/me').set(as(person.key)).expect(200);
    await http().get(`/api/v1/courses/${course.slug}`).set(as(person.key)).expect(404);
    await http().get(`/api/v1/courses/${other.slug}`).set(as(person.key)).expect(200);
  });
});
