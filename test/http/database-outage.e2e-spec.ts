import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';
import { startTcpProxy, viaProxy } from '../support/tcp-proxy';

/**
 * The API while its database is unreachable: every route answers 503 with Retry-After and the
 * JSON error body, never 500, and recovers by itself when the database is back. The outage is a
 * TCP proxy in front of the real Postgres that the spec cuts and restores.
 */
describe('database outage: 503 with Retry-After, never 500, and recovery', () => {
  let app: INestApplication;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let data: TestData;

  beforeAll(async () => {
    const direct = new URL(process.env.DATABASE_URL!);
    proxy = await startTcpProxy(Number(direct.port || 5432));
    app = await startApi({ DATABASE_URL: viaProxy(process.env.DATABASE_URL!, proxy.port) });
    data = new TestData(app.get(PrismaService));
  });

  afterAll(async () => {
    await proxy?.restore();
    // No worker runs here: drop the submission's job so later specs' workers do not grade it.
    await app?.get<Queue>(getQueueToken(GRADING_QUEUE)).obliterate({ force: true });
    await app?.close();
    await proxy?.close();
  });

  it('answers 503 with Retry-After and a JSON body on every kind of route while Postgres is unreachable, then 200 again', async () => {
    const { course, student } = await data.newCourseWithPeople();
    const { slug } = await data.newExercise(course.id, 'imports');
    const http = () => request(app.getHttpServer());
    const as = { Authorization: `Bearer ${student.key}` };
    const submitted = await http()
      .post('/api/v1/submissions')
      .set(as)
      .send({ exercise: `${course.slug}/${slug}`, files: { 'solution.py': 'print(1)\n' } })
      .expect(202);
    await http().get(`/api/v1/submissions/${submitted.body.id}`).set(as).expect(200);

    await proxy.cut();
    const calls = [
      () => http().get(`/api/v1/submissions/${submitted.body.id}`).set(as),
      () => http().get('/api/v1/submissions').set(as),
      () => http().get(`/api/v1/courses/${course.slug}/exercises`).set(as),
      () =>
        http()
          .post('/api/v1/submissions')
          .set(as)
          .send({ exercise: `${course.slug}/${slug}`, files: { 'solution.py': 'print(2)\n' } }),
      () => http().get('/api/v1/users/me').set(as),
    ];
    for (let round = 0; round < 3; round++) {
      for (const call of calls) {
        const response = await call();
        expect(response.status).toBe(503);
        expect(response.headers['retry-after']).toBe('5');
        expect(response.headers['content-type']).toMatch(/application\/json/);
        expect(response.body).toEqual({ statusCode: 503, error: 'service_unavailable', message: 'the database is not reachable; retry in 5 s', requestId: expect.any(String) });
      }
    }
    const health = await http().get('/health');
    expect(health.status).toBe(503);
    expect(health.body.checks.postgres.status).toBe('down');

    await proxy.restore();
    const back = await http().get(`/api/v1/submissions/${submitted.body.id}`).set(as);
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: submitted.body.id, status: 'queued' });
  });
});
