import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { TestData } from '../support/fixtures';
import { freePort } from '../support/integrations';
import { startApi } from '../support/platform';

const LIMIT = 3;

/** POST /api/v1/submissions is limited per API key (SUBMISSION_RATE_LIMIT_PER_MINUTE, sliding minute, in Redis). */
describe('rate limit on submission creation', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let reference: string;
  let first: { id: string; key: string };
  let second: { id: string; key: string };
  const created: string[] = [];

  beforeAll(async () => {
    app = await startApi({ SUBMISSION_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const course = await data.newCourse();
    first = await data.newUser('student');
    second = await data.newUser('student');
    await data.enrol(course.id, first.id, 'student');
    await data.enrol(course.id, second.id, 'student');
    reference = `${course.slug}/${(await data.newExercise(course.id)).slug}`;
  });

  afterAll(async () => {
    // No worker runs here: leave no grading jobs behind for later specs' workers.
    const queue = app?.get<Queue>(getQueueToken(GRADING_QUEUE));
    for (const id of created) await queue?.remove(id).catch(() => undefined);
    await app?.close();
  });

  const submit = (target: INestApplication, key: string) =>
    request(target.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${key}`)
      .send({ exercise: reference, files: { 'solution.py': 'print(1)\n' } });

  it(`accepts ${LIMIT} submissions a minute per key, refuses the next with 429 and Retry-After, and leaves other keys alone`, async () => {
    for (let i = 1; i <= LIMIT; i++) {
      const response = await submit(app, first.key).expect(202);
      created.push(response.body.id);
      expect(response.headers['ratelimit-limit']).toBe(String(LIMIT));
      expect(response.headers['ratelimit-remaining']).toBe(String(LIMIT - i));
    }
    const refused = await submit(app, first.key).expect(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(refused.body).toEqual({
      statusCode: 429,
      error: 'rate_limited',
      message: `rate limit exceeded: at most ${LIMIT} submissions per minute per API key; retry in ${retryAfter} s`,
      requestId: expect.any(String),
    });
    // The refused request stored nothing, and refusals do not extend the wait.
    expect(await prisma.submission.count({ where: { userId: first.id } })).toBe(LIMIT);
    const again = await submit(app, first.key).expect(429);
    expect(Number(again.headers['retry-after'])).toBeLessThanOrEqual(retryAfter);

    const other = await submit(app, second.key).expect(202);
    created.push(other.body.id);
    expect(other.headers['ratelimit-remaining']).toBe(String(LIMIT - 1));
  });

  it('is shared by API processes (the count lives in Redis)', async () => {
    const another = await startApi({ SUBMISSION_RATE_LIMIT_PER_MINUTE: String(LIMIT) });
    try {
      await submit(another, first.key).expect(429);
    } finally {
      await another.close();
    }
  });

  it('fails open: with Redis unreachable, submissions are still accepted', async () => {
    const port = await freePort();
    const isolated = await startApi({ SUBMISSION_RATE_LIMIT_PER_MINUTE: '1', REDIS_URL: `redis://127.0.0.1:${port}/0` });
    try {
      for (let i = 0; i < 2; i++) {
        const response = await submit(isolated, second.key).expect(202);
        expect(response.headers).not.toHaveProperty('ratelimit-limit');
      }
    } finally {
      await isolated.close();
    }
  });
});
