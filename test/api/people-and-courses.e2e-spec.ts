import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';

describe('users, keys, courses and enrolments', () => {
  let app: INestApplication;
  let data: TestData;
  let admin: { id: string; key: string };
  const http = () => request(app.getHttpServer());
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    app = await startApi();
    data = new TestData(app.get(PrismaService));
    admin = await data.newUser('admin');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('an admin creates an instructor whose first key works and is shown only once', async () => {
    const created = await http().post('/api/v1/users').set(as(admin.key)).send({ role: 'instructor', displayName: 'Ines Instructor' }).expect(201);
    expect(created.body.key.secret).toMatch(/^mg_/);
    const me = await http().get('/api/v1/users/me').set(as(created.body.key.secret)).expect(200);
    expect(me.body).toMatchObject({ role: 'instructor', displayName: 'Ines Instructor' });
    const keys = await http().get('/api/v1/keys').set(as(created.body.key.secret)).expect(200);
    expect(keys.body).toEqual([expect.objectContaining({ id: created.body.key.id, prefix: created.body.key.secret.slice(0, 10) })]);
    expect(JSON.stringify(keys.body)).not.toContain(created.body.key.secret);
  });

  it('a revoked key stops working (401)', async () => {
    const user = await data.newUser('student');
    const extra = await http().post('/api/v1/keys').set(as(user.key)).send({ name: 'spare' }).expect(201);
    await http().delete(`/api/v1/keys/${extra.body.id}`).set(as(user.key)).expect(204);
    await http().get('/api/v1/users/me').set(as(extra.body.secret)).expect(401);
    await http().get('/api/v1/users/me').set(as(user.key)).expect(200);
  });

  it('an instructor creates a course, teaches it, enrols a student; slugs are unique', async () => {
    const teacher = await data.newUser('instructor');
    const student = await data.newUser('student');
    const slug = `course-${Date.now()}`;
    await http().post('/api/v1/courses').set(as(teacher.key)).send({ slug, title: 'Memory' }).expect(201);
    const again = await http().post('/api/v1/courses').set(as(teacher.key)).send({ slug, title: 'Again' }).expect(409);
    expect(again.body.fields).toEqual([{ field: 'slug', reason: 'is already taken' }]);
    await http().post(`/api/v1/courses/${slug}/enrolments`).set(as(teacher.key)).send({ userId: student.id, role: 'student' }).expect(201);
    await http().post(`/api/v1/courses/${slug}/enrolments`).set(as(teacher.key)).send({ userId: student.id, role: 'student' }).expect(409);
    const roster = await http().get(`/api/v1/courses/${slug}/enrolments`).set(as(teacher.key)).expect(200);
    expect(roster.body.map((e: { role: string }) => e.role).sort()).toEqual(['instructor', 'student']);
    // The student sees the course but may not manage it.
    await http().get(`/api/v1/courses/${slug}`).set(as(student.key)).expect(200);
    await http().get(`/api/v1/courses/${slug}/enrolments`).set(as(student.key)).expect(403);
    // Someone else does not even learn that it exists.
    const outsider = await data.newUser('student');
    await http().get(`/api/v1/courses/${slug}`).set(as(outsider.key)).expect(404);
  });

  it('an lms key creates students by external id (201 then 200), inside its own course only', async () => {
    const course = await data.newCourse();
    const other = await data.newCourse();
    const lms = await http().post(`/api/v1/courses/${course.slug}/lms-keys`).set(as(admin.key)).send({ name: 'Moodle' }).expect(201);
    const lmsKey = lms.body.secret as string;
    const first = await http().post(`/api/v1/courses/${course.slug}/students`).set(as(lmsKey)).send({ externalId: 'u-17', displayName: 'Grace' }).expect(201);
    const second = await http().post(`/api/v1/courses/${course.slug}/students`).set(as(lmsKey)).send({ externalId: 'u-17', displayName: 'Grace' }).expect(200);
    expect(second.body.id).toBe(first.body.id);
    await http().post(`/api/v1/courses/${other.slug}/students`).set(as(lmsKey)).send({ externalId: 'u-17', displayName: 'Grace' }).expect(404);
    // An lms key cannot make keys for itself or enrol arbitrary users.
    await http().post('/api/v1/keys').set(as(lmsKey)).send({ name: 'more' }).expect(403);
    await http().post(`/api/v1/courses/${course.slug}/enrolments`).set(as(lmsKey)).send({ userId: first.body.id, role: 'instructor' }).expect(403);
    // It can issue a key for its student, which then acts as that student.
    const studentKey = await http().post(`/api/v1/courses/${course.slug}/students/u-17/keys`).set(as(lmsKey)).expect(201);
    const me = await http().get('/api/v1/users/me').set(as(studentKey.body.secret)).expect(200);
    expect(me.body).toMatchObject({ id: first.body.id, role: 'student', externalId: 'u-17' });
    expect(await app.get(ApiKeysService).authenticate(lmsKey)).toMatchObject({ role: 'lms', courseId: course.id });
  });
});
