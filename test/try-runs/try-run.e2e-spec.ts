import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { newLmsKey, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

/**
 * "Run" without grading: real student Python in real plain sandbox containers, through the API,
 * the try-runs queue and a real worker. Each outcome a student can cause is checked, and that
 * nothing of it reaches submissions or the gradebook.
 */
describe('try-runs: run without grading', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let data: TestData;
  let course: { id: string; slug: string };
  let exercise: string;
  let student: { id: string; key: string };
  const OUTPUT_BYTES = 4096;

  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const run = (key: string, body: Record<string, unknown>, on = app) =>
    request(on.getHttpServer())
      .post('/api/v1/runs')
      .set(auth(key))
      .send({ exercise, ...body });
  const runFile = (source: string, extra: Record<string, unknown> = {}) => run(student.key, { files: { 'solution.py': source }, ...extra });

  beforeAll(async () => {
    app = await startApi({ TRY_RUN_RATE_LIMIT_PER_MINUTE: '1000', TRY_RUN_TIME_SECONDS: '3', TRY_RUN_OUTPUT_BYTES: String(OUTPUT_BYTES), TRY_RUN_WAIT_SECONDS: '30' });
    worker = await startWorker();
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    const people = await data.newCourseWithPeople();
    course = people.course;
    student = people.student;
    const made = await data.newExercise(course.id, 'imports');
    exercise = `${course.slug}/${made.slug}`;
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it('shows what the program printed, its exit status and its peak memory', async () => {
    const response = await runFile('import sys\nprint("hello from", "the sandbox")\nprint("a warning", file=sys.stderr)\n').expect(200);
    expect(response.body).toMatchObject({ exercise, status: 'done' });
    const result = response.body.result;
    expect(result).toMatchObject({ outcome: 'finished', exitCode: 0, stdout: 'hello from the sandbox\n', stderr: 'a warning\n', stdoutTruncated: false, error: null });
    expect(result.summary).toMatch(/^finished normally \(exit status 0\) in \d+\.\d\d s; peak memory \d+\.\d MiB$/);
    // The interpreter alone takes a few MiB; the cgroup's high-water mark includes it.
    expect(result.peakMemoryBytes).toBeGreaterThan(1024 * 1024);
    expect(result.limits).toMatchObject({ timeSeconds: 3, outputBytes: OUTPUT_BYTES });
  });

  it('runs a snippet beside the files, which can import the student module', async () => {
    const response = await runFile('def answer():\n    return 41\n', { snippet: 'import solution\nprint(solution.answer() + 1)' }).expect(200);
    expect(response.body.result).toMatchObject({ outcome: 'finished', stdout: '42\n' });
  });

  it('names a syntax error and where it is', async () => {
    const { body } = await runFile('print("fine")\ndef broken(:\n    pass\n').expect(200);
    expect(body.result.outcome).toBe('syntax_error');
    expect(body.result.error).toMatch(/^SyntaxError: /);
    expect(body.result.summary).toMatch(/^Python could not read the code \(solution\.py, line 2\): SyntaxError: /);
    expect(body.result.stdout).toBe('');
  });

  it('shows an exception as the last line of its traceback, with the output before it', async () => {
    const { body } = await runFile('print("before")\nprint(1 / 0)\n').expect(200);
    expect(body.result).toMatchObject({ outcome: 'error', exitCode: 1, stdout: 'before\n', error: 'ZeroDivisionError: division by zero' });
    expect(body.result.stderr).toContain('Traceback (most recent call last)');
  });

  it('stops an endless loop at the time limit', async () => {
    const started = Date.now();
    const { body } = await runFile('print("looping", flush=True)\nwhile True:\n    pass\n').expect(200);
    expect(body.result).toMatchObject({ outcome: 'timeout', stdout: 'looping\n' });
    expect(body.result.summary).toMatch(/^stopped after the time limit of 3 s/);
    expect(body.result.wallMs).toBeGreaterThanOrEqual(3000);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('stops a memory hog at the memory limit', async () => {
    // Written pages: an untouched bytearray costs the cgroup nothing.
    // On a loaded machine filling 256 MiB can take seconds: this one gets the whole 20 s.
    const roomy = await startApi({ TRY_RUN_TIME_SECONDS: '20', TRY_RUN_WAIT_SECONDS: '40' });
    let body;
    try {
      ({ body } = await run(student.key, { files: { 'solution.py': 'chunks = []\nwhile True:\n    chunks.append("x" * (8 << 20))\n' } }, roomy).expect(200));
    } finally {
      await roomy.close();
    }
    expect(body.result.outcome).toBe('memory_limit');
    expect(body.result.summary).toMatch(/^stopped: the program went over the memory limit of 256 MiB/);
    expect(body.result.limits.memoryMiB).toBe(256);
  });

  it('caps a flood of output and says so', async () => {
    const { body } = await runFile('while True:\n    print("x" * 1000)\n').expect(200);
    expect(body.result).toMatchObject({ outcome: 'output_limit', stdoutTruncated: true });
    expect(Buffer.byteLength(body.result.stdout)).toBeLessThanOrEqual(OUTPUT_BYTES);
    expect(body.result.stdout.startsWith('x'.repeat(1000))).toBe(true);
    expect(body.result.summary).toContain('printed more than 4 KiB');
  });

  it('survives a fork bomb with an outcome, and the next run works', async () => {
    const { body } = await runFile('import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n').expect(200);
    expect(['timeout', 'error', 'memory_limit']).toContain(body.result.outcome);
    const after = await runFile('print("still here")\n').expect(200);
    expect(after.body.result).toMatchObject({ outcome: 'finished', stdout: 'still here\n' });
  });

  it('is no submission: nothing stored, no attempt, no gradebook cell', async () => {
    const someone = await data.newUser('student');
    await data.enrol(course.id, someone.id, 'student');
    await run(someone.key, { files: { 'solution.py': 'print(1)\n' } }).expect(200);
    await run(someone.key, { files: { 'solution.py': 'raise SystemExit(3)\n' } }).expect(200);
    expect(await prisma.submission.count({ where: { userId: someone.id } })).toBe(0);
    const listed = await request(app.getHttpServer()).get(`/api/v1/submissions?course=${course.slug}`).set(auth(someone.key)).expect(200);
    expect(listed.body.items).toEqual([]);
    const staff = await data.newUser('admin');
    const book = await request(app.getHttpServer()).get(`/api/v1/courses/${course.slug}/gradebook`).set(auth(staff.key)).expect(200);
    const row = book.body.students.find((s: { id: string }) => s.id === someone.id);
    expect(row).toMatchObject({ total: 0 });
    expect(Object.values(row.grades)).toEqual([null]);
  });

  it('limits runs per student per minute with a 429 that says why and when', async () => {
    const limited = await startApi({ TRY_RUN_RATE_LIMIT_PER_MINUTE: '2', TRY_RUN_WAIT_SECONDS: '30' });
    try {
      const someone = await data.newUser('student');
      await data.enrol(course.id, someone.id, 'student');
      const body = { files: { 'solution.py': 'print(1)\n' } };
      await run(someone.key, body, limited).expect(200);
      // A second key of the same student shares the allowance.
      const second = await request(app.getHttpServer()).post('/api/v1/keys').set(auth(someone.key)).send({ name: 'laptop' }).expect(201);
      await run(second.body.secret, body, limited).expect(200);
      const refused = await run(someone.key, body, limited).expect(429);
      expect(refused.body).toMatchObject({ statusCode: 429, error: 'rate_limited' });
      expect(refused.body.message).toMatch(/^too many runs: at most 2 per minute per student .*; retry in \d+ s$/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Submitting is a different allowance: still accepted.
      await request(limited.getHttpServer())
        .post('/api/v1/submissions')
        .set(auth(someone.key))
        .send({ exercise, ...body })
        .expect(202);
    } finally {
      await limited.close();
    }
  });

  it('answers 202 when the run outlasts the wait, and the run can be read until done (by its owner only)', async () => {
    const quick = await startApi({ TRY_RUN_WAIT_SECONDS: '0' });
    try {
      const started = await run(student.key, { files: { 'solution.py': 'import time\ntime.sleep(1)\nprint("late")\n' } }, quick).expect(202);
      expect(['queued', 'running']).toContain(started.body.status);
      expect(started.body.result).toBeUndefined();
      const id = started.body.id as string;
      const done = await waitUntil(
        async () => (await request(quick.getHttpServer()).get(`/api/v1/runs/${id}`).set(auth(student.key)).expect(200)).body,
        (view) => view.status === 'done',
        30_000,
        'the run finished',
      );
      expect(done.result).toMatchObject({ outcome: 'finished', stdout: 'late\n' });
      const other = await data.newUser('student');
      await data.enrol(course.id, other.id, 'student');
      await request(quick.getHttpServer()).get(`/api/v1/runs/${id}`).set(auth(other.key)).expect(404);
      await request(quick.getHttpServer()).get('/api/v1/runs/not-a-run').set(auth(student.key)).expect(404);
    } finally {
      await quick.close();
    }
  });

  it('refuses bad input with the field and the reason, outsiders with 404 and lms keys with 403', async () => {
    const wrongFile = await run(student.key, { files: { 'other.py': 'print(1)' } }).expect(400);
    expect(wrongFile.body.fields).toEqual(expect.arrayContaining([{ field: 'files.other.py', reason: expect.stringContaining('is not a file of this exercise') }]));
    const badEntry = await run(student.key, { files: { 'solution.py': 'print(1)' }, entry: 'tests/test_imports.py' }).expect(400);
    expect(badEntry.body.fields).toEqual([{ field: 'entry', reason: 'must be one of solution.py' }]);
    const badSnippet = await run(student.key, { files: { 'solution.py': '' }, snippet: 'x'.repeat(17 * 1024) }).expect(400);
    expect(badSnippet.body.fields[0].field).toBe('snippet');
    const outsider = await data.newUser('student');
    await run(outsider.key, { files: { 'solution.py': 'print(1)' } }).expect(404);
    const lms = await newLmsKey(prisma, course.id);
    await run(lms.key, { files: { 'solution.py': 'print(1)' } }).expect(403);
  });
});
