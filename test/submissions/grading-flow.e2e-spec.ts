import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { fixture, TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';

/** Polls GET /api/v1/submissions/:id until it leaves queued/running. */
async function waitForResult(app: INestApplication, key: string, id: string, withinMs = 60_000) {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const response = await request(app.getHttpServer()).get(`/api/v1/submissions/${id}`).set('Authorization', `Bearer ${key}`).expect(200);
    if (!['queued', 'running'].includes(response.body.status)) return response.body;
    if (Date.now() > deadline) throw new Error(`submission ${id} still ${response.body.status} after ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

describe('a submission goes API → queue → worker → sandbox → Postgres', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let data: TestData;
  let student: { id: string; key: string };
  let reference: string;

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    data = new TestData(app.get(PrismaService));
    const course = await data.newCourse();
    student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    const { slug } = await data.newExercise(course.id, { tests: [{ name: 'runs', points: 2, hidden: false }], limits: { memoryMiB: 64, timeSeconds: 10 } });
    reference = `${course.slug}/${slug}`;
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  const submit = (source: string, headers: Record<string, string> = {}) =>
    request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set({ Authorization: `Bearer ${student.key}`, ...headers })
      .send({ exercise: reference, files: { 'solution.py': source } });

  it('grades a program that runs: 202 queued, then graded with full marks', async () => {
    const created = await submit(fixture('submissions/prints-total.py')).expect(202);
    expect(created.body).toEqual({ id: expect.any(String), status: 'queued' });
    const result = await waitForResult(app, student.key, created.body.id);
    expect(result).toMatchObject({ id: created.body.id, status: 'graded', verdict: 'ok', score: 2, maxScore: 2, durationMs: expect.any(Number) });
    expect(result.tests).toEqual([expect.objectContaining({ name: 'solution.py runs to completion', passed: true, score: 2, maxScore: 2 })]);
    const stored = await app.get(PrismaService).gradingResult.findFirstOrThrow({ where: { submissionId: created.body.id } });
    expect(stored.stdout).toBe('total=499500\n');
  });

  it('grades a crash and a memory blow-up as results the student can read, not errors', async () => {
    const crashed = await submit(fixture('submissions/raises.py')).expect(202);
    const hog = await submit(fixture('submissions/hogs-memory.py')).expect(202);
    const crashResult = await waitForResult(app, student.key, crashed.body.id);
    expect(crashResult).toMatchObject({ status: 'graded', verdict: 'crashed', score: 0 });
    expect(crashResult.tests[0].message).toBe('Your program stopped with exit code 1: ValueError: boom.');
    const hogResult = await waitForResult(app, student.key, hog.body.id);
    expect(hogResult).toMatchObject({ status: 'graded', verdict: 'memory_limit', score: 0 });
    expect(hogResult.tests[0].message).toMatch(/more memory than the limit of 64 MiB \(peak \d+\.\d MiB\)/);
  });

  it('returns the same submission for a retried POST with the same Idempotency-Key, and 409 for another body', async () => {
    const first = await submit('print(1)\n', { 'Idempotency-Key': 'retry-abc' }).expect(202);
    const again = await submit('print(1)\n', { 'Idempotency-Key': 'retry-abc' }).expect(202);
    expect(again.body.id).toBe(first.body.id);
    const conflict = await submit('print(2)\n', { 'Idempotency-Key': 'retry-abc' }).expect(409);
    expect(conflict.body).toMatchObject({ error: 'conflict', fields: [{ field: 'Idempotency-Key', reason: expect.any(String) }] });
    expect(await app.get(PrismaService).submission.count({ where: { idempotencyKey: 'retry-abc' } })).toBe(1);
    await waitForResult(app, student.key, first.body.id);
  });
});
