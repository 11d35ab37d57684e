import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { PrismaService } from '../../src/database/prisma.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { buildOpenApiDocument } from '../../src/http-app';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';
import { ACCESS, CALLERS, type AccessContext, type Caller } from './access-matrix';

/**
 * Walks every route of the API (as the OpenAPI document lists them) with every kind of caller and
 * checks the status against ACCESS: 401 without a key, 403 for a caller who may see but not do,
 * 404 for what is not theirs to see, and success for who may.
 */
describe('every route with every role', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  const keys = {} as Record<Caller, string>;
  const users = {} as Record<Caller, string>;
  let ctx: AccessContext;

  beforeAll(async () => {
    app = await startApi({ SUBMISSION_RATE_LIMIT_PER_MINUTE: '1000', TRY_RUN_WAIT_SECONDS: '0', TRY_RUN_RATE_LIMIT_PER_MINUTE: '1000' });
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const course = await data.newCourse();
    const elsewhere = await data.newCourse();
    for (const caller of ['admin', 'instructor', 'ta', 'student', 'outsider'] as const) {
      // A teaching assistant is a student-level user whose course role is ta.
      const user = await data.newUser(caller === 'outsider' || caller === 'ta' ? 'student' : caller);
      keys[caller] = user.key;
      users[caller] = user.id;
    }
    await data.enrol(course.id, users.instructor, 'instructor');
    await data.enrol(course.id, users.ta, 'ta');
    await data.enrol(course.id, users.student, 'student');
    await data.enrol(elsewhere.id, users.outsider, 'student');
    const http = () => request(app.getHttpServer());
    const lms = await http().post(`/api/v1/courses/${course.slug}/lms-keys`).set('Authorization', `Bearer ${keys.admin}`).send({ name: 'LMS' }).expect(201);
    keys.lms = lms.body.secret;
    users.lms = (await prisma.apiKey.findUniqueOrThrow({ where: { id: lms.body.id } })).userId;
    await http()
      .post(`/api/v1/courses/${course.slug}/students`)
      .set('Authorization', `Bearer ${keys.lms}`)
      .send({ externalId: 'ext-student', displayName: 'LMS student' })
      .expect(201);
    const exercise = await data.newExercise(course.id);
    const webhook = await http()
      .post(`/api/v1/courses/${course.slug}/webhooks`)
      .set('Authorization', `Bearer ${keys.instructor}`)
      .send({ url: 'http://127.0.0.1:9/hook' })
      .expect(201);
    const submission = await prisma.submission.create({
      data: { exerciseVersionId: exercise.version.id, userId: users.student, files: { 'solution.py': 'print(1)\n' }, maxScore: 1, status: 'graded', score: 1, verdict: 'ok' },
    });
    const delivery = await prisma.webhookDelivery.create({
      data: { endpointId: webhook.body.id, submissionId: submission.id, event: 'submission.graded', payload: {}, status: 'delivered' },
    });
    const apiKeys = app.get(ApiKeysService);
    const regrade = await http().post(`/api/v1/courses/${course.slug}/exercises/${exercise.slug}/versions/1/regrade`).set('Authorization', `Bearer ${keys.instructor}`).expect(202);

    ctx = {
      course: course.slug,
      exercise: exercise.slug,
      exerciseFiles: loadExerciseFolder(resolve(__dirname, '../fixtures/exercises/imports')).files,
      webhookId: webhook.body.id,
      deliveryId: delivery.id,
      regradeId: regrade.body.id,
      gradedSubmission: async () =>
        (
          await prisma.submission.create({
            data: { exerciseVersionId: exercise.version.id, userId: users.student, files: { 'solution.py': 'print(1)\n' }, maxScore: 1, status: 'graded', score: 1, verdict: 'ok' },
          })
        ).id,
      spareKeyOf: async (caller) => (await apiKeys.issue(users[caller], 'spare')).id,
      freshUser: async () => (await data.newUser('student')).id,
      enrolledUser: async () => {
        const user = await data.newUser('student');
        await data.enrol(course.id, user.id, 'student');
        return user.id;
      },
      extendedStudent: async () => {
        const user = await data.newUser('student');
        await data.enrol(course.id, user.id, 'student');
        await prisma.deadlineExtension.create({ data: { exerciseId: exercise.exercise.id, userId: user.id, extraAttempts: 1 } });
        return user.id;
      },
      freshWebhook: async () =>
        (
          await http()
            .post(`/api/v1/courses/${course.slug}/webhooks`)
            .set('Authorization', `Bearer ${keys.instructor}`)
            .send({ url: `http://127.0.0.1:9/${Date.now()}${Math.random()}` })
            .expect(201)
        ).body.id,
    };
  });

  afterAll(async () => {
    await app?.close();
  });

  /**
   * "METHOD /path/{param}" for every operation of the OpenAPI document under /api/ and /health. The
   * document also lists what needs no API key and answers no role: the web pages, the LTI URLs
   * platforms and browsers call (/lti/…), /metrics (METRICS_TOKEN).
   */
  const documentedRoutes = () =>
    Object.entries(buildOpenApiDocument(app).paths)
      .filter(([path]) => path.startsWith('/api/') || path === '/health')
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
          .map((method) => `${method.toUpperCase()} ${path}`),
      );

  it('has an access rule for every documented route, and no rule for a route that does not exist', () => {
    expect(Object.keys(ACCESS).sort()).toEqual(documentedRoutes().sort());
  });

  it('answers 401 to a call without a key, or with an unknown one, on every route but /health', async () => {
    for (const [route, row] of Object.entries(ACCESS)) {
      if (route === 'GET /health') continue;
      const method = route.split(' ')[0].toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      const { path, body } = await row.call(ctx, 'admin');
      const call = () => request(app.getHttpServer())[method](path);
      const none = await call().send(body as object);
      const unknown = await call()
        .set('Authorization', 'Bearer mg_unknown')
        .send(body as object);
      expect({ route, statuses: [none.status, unknown.status], error: none.body.error }).toEqual({ route, statuses: [401, 401], error: 'unauthenticated' });
    }
  });

  it.each(CALLERS)('gives %s what the access rules say on every route', async (caller) => {
    const mismatches: string[] = [];
    for (const [route, row] of Object.entries(ACCESS)) {
      const method = route.split(' ')[0].toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
      const { path, body } = await row.call(ctx, caller);
      const call = request(app.getHttpServer())[method](path).set('Authorization', `Bearer ${keys[caller]}`);
      const response = await (body === undefined ? call : call.send(body as object));
      if (response.status !== row.expect[caller]) mismatches.push(`${route}: ${response.status} (expected ${row.expect[caller]}) ${JSON.stringify(response.body).slice(0, 200)}`);
      if (response.status >= 400) expect(response.body).toMatchObject({ statusCode: response.status, error: expect.any(String), message: expect.any(String) });
    }
    expect(mismatches).toEqual([]);
  });
});
