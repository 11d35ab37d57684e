import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { newLmsKey } from '../support/integrations';
import { startApi } from '../support/platform';

/**
 * Instructors keep their course's roster themselves: they create students (and TAs) in a course
 * they teach and enrol existing users, change roles and remove members, but create no instructor
 * or admin and touch no other course. POST /users stays the admin's.
 */
describe('course members: instructors create students in their own course only', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let data: TestData;
  let course: { id: string; slug: string };
  let elsewhere: { id: string; slug: string };
  let instructor: { id: string; key: string };
  const http = () => request(app.getHttpServer());
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const add = (body: object, key = instructor.key, slug = course.slug) => http().post(`/api/v1/courses/${slug}/members`).set(as(key)).send(body);

  beforeAll(async () => {
    app = await startApi();
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    course = await data.newCourse();
    elsewhere = await data.newCourse();
    instructor = await data.newUser('instructor');
    await data.enrol(course.id, instructor.id, 'instructor');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('creates a student with a first key bound to the course; the key signs them in to that course', async () => {
    const created = await add({ email: 'Kim@Members.test', displayName: 'Kim Student', role: 'student' }).expect(201);
    expect(created.body).toMatchObject({
      outcome: 'created',
      member: { displayName: 'Kim Student', email: 'Kim@Members.test', role: 'student', externalId: null },
      key: { courseId: course.id, secret: expect.stringMatching(/^mg_/) },
    });
    const me = (await http().get('/api/v1/users/me').set(as(created.body.key.secret)).expect(200)).body;
    expect(me).toMatchObject({ id: created.body.member.userId, role: 'student', courseId: course.id });
    expect((await http().get('/api/v1/courses').set(as(created.body.key.secret)).expect(200)).body).toEqual([expect.objectContaining({ slug: course.slug, yourRole: 'student' })]);
    // The same person again (any case of the email) is found, not created twice.
    expect((await add({ email: 'kim@members.test', displayName: 'Kim', role: 'student' }).expect(200)).body).toMatchObject({ outcome: 'unchanged', member: { userId: me.id } });
    expect(await prisma.user.count({ where: { email: { equals: 'kim@members.test', mode: 'insensitive' } } })).toBe(1);
  });

  it('creates a TA by external id; enrols an existing user; changes a role; all as the instructor asks', async () => {
    const ta = (await add({ externalId: 'ta-7', displayName: 'Tom TA', role: 'ta' }).expect(201)).body;
    expect(ta).toMatchObject({ outcome: 'created', member: { role: 'ta', externalId: 'ta-7' } });
    expect(await prisma.user.findUniqueOrThrow({ where: { id: ta.member.userId } })).toMatchObject({ role: 'student', externalSource: course.id });
    const someone = await data.newUser('student');
    const enrolled = (await add({ userId: someone.id, role: 'student' }).expect(201)).body;
    expect(enrolled).toMatchObject({ outcome: 'enrolled', member: { userId: someone.id, role: 'student' } });
    expect(enrolled.key).toBeUndefined();
    expect((await add({ userId: someone.id, role: 'ta' }).expect(200)).body).toMatchObject({ outcome: 'role_changed', member: { role: 'ta' } });
    expect((await http().patch(`/api/v1/courses/${course.slug}/members/${someone.id}`).set(as(instructor.key)).send({ role: 'student' }).expect(200)).body).toMatchObject({
      role: 'student',
    });
    // An existing user may be made a co-instructor, as POST /enrolments allows.
    expect((await add({ userId: someone.id, role: 'instructor' }).expect(200)).body).toMatchObject({ outcome: 'role_changed', member: { role: 'instructor' } });
  });

  it('creates no instructor and no admin: 403 for a new instructor, 400 for admin; POST /users stays 403', async () => {
    const refused = await add({ email: 'prof@members.test', displayName: 'Would-be Prof', role: 'instructor' }).expect(403);
    expect(refused.body).toMatchObject({
      error: 'forbidden',
      message: expect.stringMatching(/instructors create students and teaching assistants only/),
      fields: [{ field: 'role', reason: expect.any(String) }],
    });
    expect((await add({ email: 'root@members.test', displayName: 'Root', role: 'admin' }).expect(400)).body.fields).toEqual([
      { field: 'role', reason: 'must be one of student, ta, instructor' },
    ]);
    expect(await prisma.user.count({ where: { email: { in: ['prof@members.test', 'root@members.test'] } } })).toBe(0);
    const direct = await http().post('/api/v1/users').set(as(instructor.key)).send({ role: 'student', displayName: 'Direct' }).expect(403);
    expect(direct.body.message).toMatch(/this route is for admin keys/);
    // An admin may create an instructor in a course.
    const admin = await data.newUser('admin');
    const prof = (await add({ email: 'prof@members.test', displayName: 'Prof', role: 'instructor' }, admin.key).expect(201)).body;
    expect(await prisma.user.findUniqueOrThrow({ where: { id: prof.member.userId } })).toMatchObject({ role: 'instructor' });
  });

  it('touches no other course: 404 where they are nobody, 403 where they are a student, and nothing is written', async () => {
    const users = await prisma.user.count();
    await add({ email: 'other@members.test', displayName: 'Other', role: 'student' }, instructor.key, elsewhere.slug).expect(404);
    await data.enrol(elsewhere.id, instructor.id, 'student');
    expect((await add({ email: 'other@members.test', displayName: 'Other', role: 'student' }, instructor.key, elsewhere.slug).expect(403)).body.message).toMatch(
      /^a student of course "[^"]+" may not manage the roster/,
    );
    const someone = await data.newUser('student');
    await data.enrol(elsewhere.id, someone.id, 'student');
    await http().patch(`/api/v1/courses/${elsewhere.slug}/members/${someone.id}`).set(as(instructor.key)).send({ role: 'ta' }).expect(403);
    await http().delete(`/api/v1/courses/${elsewhere.slug}/members/${someone.id}`).set(as(instructor.key)).expect(403);
    expect(await prisma.user.count()).toBe(users + 1);
    expect(await prisma.enrolment.findUniqueOrThrow({ where: { courseId_userId: { courseId: elsewhere.id, userId: someone.id } } })).toMatchObject({ role: 'student' });
  });

  it('refuses bad bodies with the field and the reason, and writes nothing', async () => {
    const lms = await newLmsKey(prisma, course.id);
    const users = await prisma.user.count();
    const cases: [object, string, number][] = [
      [{ role: 'student' }, 'email', 400],
      [{ email: 'new@members.test', role: 'student' }, 'displayName', 400],
      [{ email: 'not an email', displayName: 'X', role: 'student' }, 'email', 400],
      [{ externalId: 'has spaces', displayName: 'X', role: 'student' }, 'externalId', 400],
      [{ email: 'x@members.test', displayName: 'X', role: 'owner' }, 'role', 400],
      [{ email: 'x@members.test', displayName: 'X' }, 'role', 400],
      [{ userId: instructor.id, email: 'x@members.test', role: 'student' }, 'userId', 400],
      [{ userId: '00000000-0000-4000-8000-000000000000', role: 'student' }, 'userId', 400],
      [{ userId: lms.id, role: 'student' }, 'userId', 400],
      [{ email: 'kim@members.test', externalId: 'ta-7', role: 'student' }, 'email', 409],
    ];
    for (const [body, field, status] of cases) {
      const response = await add(body).expect(status);
      expect({ body, fields: response.body.fields.map((f: { field: string }) => f.field) }).toEqual({ body, fields: [field] });
    }
    expect(await prisma.user.count()).toBe(users);
  });

  it('changes no own role, no non-member; removes a member, whose course keys stop working', async () => {
    expect((await http().patch(`/api/v1/courses/${course.slug}/members/${instructor.id}`).set(as(instructor.key)).send({ role: 'student' }).expect(409)).body.fields).toEqual([
      { field: 'role', reason: 'is your own role' },
    ]);
    const stranger = await data.newUser('student');
    await http().patch(`/api/v1/courses/${course.slug}/members/${stranger.id}`).set(as(instructor.key)).send({ role: 'ta' }).expect(404);
    await http().patch(`/api/v1/courses/${course.slug}/members/${stranger.id}`).set(as(instructor.key)).send({ role: 'boss' }).expect(400);
    const created = (await add({ email: 'leaving@members.test', displayName: 'Leaving', role: 'student' }).expect(201)).body;
    await http().get('/api/v1/users/me').set(as(created.key.secret)).expect(200);
    await http().delete(`/api/v1/courses/${course.slug}/members/${created.member.userId}`).set(as(instructor.key)).expect(204);
    await http().get('/api/v1/users/me').set(as(created.key.secret)).expect(401);
    await http().delete(`/api/v1/courses/${course.slug}/members/${created.member.userId}`).set(as(instructor.key)).expect(404);
    const roster = (await http().get(`/api/v1/courses/${course.slug}/members`).set(as(instructor.key)).expect(200)).body;
    expect(roster.map((m: { email: string | null }) => m.email)).not.toContain('leaving@members.test');
  });
});
