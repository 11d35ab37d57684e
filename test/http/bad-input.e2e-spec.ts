import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';

/** Bad input gets a 4xx JSON body naming the field and the reason; nothing is stored. */
describe('bad input to the submissions API', () => {
  let app: INestApplication;
  let key: string;
  let reference: string;
  let prisma: PrismaService;

  beforeAll(async () => {
    app = await startApi();
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const course = await data.newCourse();
    const student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    reference = `${course.slug}/${(await data.newExercise(course.id)).slug}`;
    key = student.key;
  });

  afterAll(async () => {
    await app?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => {
    const call = request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set({ Authorization: `Bearer ${key}`, ...headers });
    return typeof body === 'string' ? call.set('Content-Type', 'application/json').send(body) : call.send(body as object);
  };

  it('401 without a key and with an unknown key, as JSON', async () => {
    const none = await request(app.getHttpServer()).post('/api/v1/submissions').send({}).expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'unauthenticated', message: expect.stringContaining('Bearer'), requestId: expect.any(String) });
    await request(app.getHttpServer()).get('/api/v1/submissions/x').set('Authorization', 'Bearer mg_nope').expect(401);
  });

  it.each([
    ['a missing exercise', { files: { 'solution.py': '' } }, 'exercise'],
    ['an exercise that is not course/exercise', { exercise: 'nope', files: { 'solution.py': '' } }, 'exercise'],
    ['files that are not an object', { exercise: 'a/b', files: 'print(1)' }, 'files'],
    ['an empty files object', { exercise: 'a/b', files: {} }, 'files'],
    ['an unknown field', { exercise: 'a/b', files: { 'solution.py': '' }, student: 'x' }, 'student'],
  ])('400 for %s, naming the field', async (_, body, field) => {
    const response = await post(body).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'invalid_input' });
    expect(response.body.fields).toEqual(expect.arrayContaining([{ field, reason: expect.any(String) }]));
  });

  it('400 for a file path instead of a name, and for a file the exercise does not take', async () => {
    const response = await post({ exercise: reference, files: { '../x.py': 'x', 'solution.py': '' } }).expect(400);
    expect(response.body.fields).toEqual([{ field: 'files.../x.py', reason: expect.stringContaining('plain file name') }]);
  });

  it('400 as JSON for a body that is not JSON, and 413 for one that is too large', async () => {
    const malformed = await post('{"exercise": ').expect(400);
    expect(malformed.body).toMatchObject({ statusCode: 400, message: 'request body is not valid JSON' });
    const huge = await post({ exercise: reference, files: { 'solution.py': 'x'.repeat(3 * 1024 * 1024) } }).expect(413);
    expect(huge.body).toMatchObject({ statusCode: 413, error: 'payload_too_large' });
  });

  it('404 naming the exercise when it does not exist, and for a submission id that is not a uuid', async () => {
    const course = reference.split('/')[0];
    const missing = await post({ exercise: `${course}/no-such-exercise`, files: { 'solution.py': '' } }).expect(404);
    expect(missing.body.fields).toEqual([{ field: 'exercise', reason: expect.stringContaining('no-such-exercise') }]);
    await request(app.getHttpServer()).get('/api/v1/submissions/not-a-uuid').set('Authorization', `Bearer ${key}`).expect(404);
  });

  it('400 for a malformed Idempotency-Key', async () => {
    const response = await post({ exercise: reference, files: { 'solution.py': '' } }, { 'Idempotency-Key': 'has spaces' }).expect(400);
    expect(response.body.fields).toEqual([{ field: 'Idempotency-Key', reason: expect.any(String) }]);
  });

  it('stored nothing for any of the above', async () => {
    const user = await prisma.apiKey.findFirstOrThrow({ where: { hash: { not: '' }, user: { apiKeys: { some: {} } } }, orderBy: { createdAt: 'desc' } });
    expect(await prisma.submission.count({ where: { apiKeyId: user.id } })).toBe(0);
  });
});
