import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

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
    const { slug } = await data.newExercise(course.id, 'squares');
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

  it('grades the reference with full marks: 202 queued, then graded by the harness', async () => {
    const created = await submit(fixture('exercises/squares/reference/solution.py')).expect(202);
    expect(created.body).toEqual({ id: expect.any(String), status: 'queued' });
    const result = await waitForGraded(app, student.key, created.body.id);
    expect(result).toMatchObject({ id: created.body.id, status: 'graded', verdict: 'ok', score: 3, maxScore: 3, durationMs: expect.any(Number) });
    expect(result.tests).toEqual([
      expect.objectContaining({ name: 'total is right', passed: true, score: 1, maxScore: 1 }),
      // Students see a hidden test by its place, never its name (issue 12 item 3).
      { name: 'Hidden test 1', passed: true, hidden: true, score: 2, maxScore: 2 },
    ]);
    const stored = await app.get(PrismaService).gradingResult.findFirstOrThrow({ where: { submissionId: created.body.id }, include: { tests: true } });
    const budget = stored.tests.find((t) => t.hidden)!;
    expect(budget.measurements).toMatchObject({ memory: { method: 'rss', limit_mib: 5, peak_mib: expect.any(Number) } });
    expect(stored.report).toMatchObject({ harnessVersion: expect.any(String), pythonVersion: expect.stringMatching(/^3\./) });
  });

  it('grades the list-building starter below the budget: the hidden test fails, students see only that', async () => {
    const created = await submit(fixture('exercises/squares/starter/solution.py')).expect(202);
    const result = await waitForGraded(app, student.key, created.body.id);
    expect(result).toMatchObject({ status: 'graded', verdict: 'ok', score: 1, maxScore: 3 });
    expect(result.tests[1]).toEqual({ name: 'Hidden test 1', passed: false, hidden: true, score: 0, maxScore: 2 });
    expect(JSON.stringify(result)).not.toContain('total stays within 5 MiB');
  });

  it('tells the student which line broke the import, and grades a memory blow-up as a result', async () => {
    const crashed = await submit(fixture('submissions/raises-at-import.py')).expect(202);
    const hog = await submit(fixture('submissions/hogs-at-import.py')).expect(202);
    const crashResult = await waitForGraded(app, student.key, crashed.body.id);
    expect(crashResult).toMatchObject({ status: 'graded', verdict: 'import_error', score: 0 });
    expect(crashResult.tests[0].message).toMatch(/solution\.py, line 5/);
    expect(crashResult.tests[0].message).toContain('ValueError: boom');
    expect(crashResult.tests[0].message).not.toMatch(/memgrade_harness|supervisor\.py/);
    const hogResult = await waitForGraded(app, student.key, hog.body.id);
    expect(hogResult).toMatchObject({ status: 'graded', score: 0 });
    expect(hogResult.tests[0].message).toMatch(/memory/i);
  });

  it('returns the same submission for a retried POST with the same Idempotency-Key, and 409 for another body', async () => {
    const first = await submit('print(1)\n', { 'Idempotency-Key': 'retry-abc' }).expect(202);
    const again = await submit('print(1)\n', { 'Idempotency-Key': 'retry-abc' }).expect(202);
    expect(again.body.id).toBe(first.body.id);
    const conflict = await submit('print(2)\n', { 'Idempotency-Key': 'retry-abc' }).expect(409);
    expect(conflict.body).toMatchObject({ error: 'conflict', fields: [{ field: 'Idempotency-Key', reason: expect.any(String) }] });
    expect(await app.get(PrismaService).submission.count({ where: { idempotencyKey: 'retry-abc' } })).toBe(1);
    await waitForGraded(app, student.key, first.body.id);
  });
});
