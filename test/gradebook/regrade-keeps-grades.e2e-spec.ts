import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { testRedisUrl } from '../setup/test-env';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';
import { waitUntil } from '../support/polling';

/**
 * A version regrade never blanks a grade: three students graded for real in the sandbox, then the
 * version's test is fixed (it now checks the module's `total`) and the version is regraded. While
 * the grading queue is paused (the regrade's jobs wait), the gradebook (JSON and CSV) and each
 * submission still show the old scores and totals; once the worker has run them, the new ones.
 *   Ada  prints the total         1 → 1
 *   Cy   prints "hi" (no total)   1 → 0
 *   Bob  raises at import         0 → 0
 */
describe('a version regrade keeps every grade until its new result is stored', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let queue: Queue;
  let courseSlug: string;
  let exerciseSlug: string;
  const keys: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const subs: Record<string, string> = {};

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const http = () => request(app.getHttpServer());
  const gradebook = async () => (await http().get(`/api/v1/courses/${courseSlug}/gradebook?policy=best`).set(as(keys.instructor)).expect(200)).body;
  const csv = async () =>
    (
      await http()
        .get(`/api/v1/courses/${courseSlug}/gradebook?format=csv&policy=best`)
        .set(as(keys.instructor))
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
          res.on('end', () => done(null, text));
        })
        .expect(200)
    ).body as string;
  /** name → [score of the exercise, total] as the gradebook shows them. */
  const scores = (book: { students: { displayName: string; grades: Record<string, { score: number } | null>; total: number }[] }) =>
    Object.fromEntries(book.students.map((s) => [s.displayName, [s.grades[exerciseSlug]?.score ?? null, s.total]]));
  const submission = async (id: string, key = keys.instructor) => (await http().get(`/api/v1/submissions/${id}`).set(as(key)).expect(200)).body;
  const regradePath = () => `/api/v1/courses/${courseSlug}/exercises/${exerciseSlug}/versions/1`;

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    prisma = app.get(PrismaService);
    queue = new Queue(GRADING_QUEUE, { connection: { url: testRedisUrl() }, prefix: 'memgrade' });
    const data = new TestData(prisma);
    const course = await data.newCourse();
    courseSlug = course.slug;
    for (const [name, role] of [
      ['instructor', 'instructor'],
      ['Ada', 'student'],
      ['Bob', 'student'],
      ['Cy', 'student'],
    ] as const) {
      const user = await data.newUser(role, name);
      await data.enrol(course.id, user.id, role);
      keys[name] = user.key;
      ids[name] = user.id;
    }
    const exercise = await data.newExercise(course.id, 'imports');
    exerciseSlug = exercise.slug;
    const submit = async (name: string, file: string) => {
      const created = await http()
        .post('/api/v1/submissions')
        .set(as(keys[name]))
        .send({ exercise: `${courseSlug}/${exerciseSlug}`, files: { 'solution.py': fixture(file) } })
        .expect(202);
      return created.body.id as string;
    };
    subs.Ada = await submit('Ada', 'submissions/prints-total.py');
    subs.Bob = await submit('Bob', 'submissions/raises.py');
    subs.Cy = await submit('Cy', 'regrade/says-hi.py');
    for (const name of ['Ada', 'Bob', 'Cy']) expect(await waitForGraded(app, keys[name], subs[name])).toMatchObject({ status: 'graded' });

    // The instructor fixes the version's test (and reference): what the regrade grades against.
    const files = { ...exercise.files, 'tests/test_imports.py': fixture('regrade/test_imports.py'), 'reference/solution.py': fixture('regrade/reference-solution.py') };
    await prisma.exerciseVersion.update({ where: { id: exercise.version.id }, data: { files } });
  });

  afterAll(async () => {
    await queue?.resume();
    await queue?.close();
    await worker?.close();
    await app?.close();
  });

  it('before: the scores of the first grading', async () => {
    expect(scores(await gradebook())).toEqual({ Ada: [1, 1], Bob: [0, 0], Cy: [1, 1] });
  });

  it('during: the regrade waits in the queue, and the gradebook, its CSV and each submission still show the old scores', async () => {
    const before = await gradebook();
    const csvBefore = await csv();
    await queue.pause();
    const started = await http().post(`${regradePath()}/regrade`).set(as(keys.instructor)).expect(202);
    expect(started.body).toMatchObject({
      id: expect.any(String),
      exercise: `${courseSlug}/${exerciseSlug}`,
      version: 1,
      queued: 3,
      total: 3,
      regraded: 0,
      failed: 0,
      pending: 3,
      done: false,
      finishedAt: null,
    });
    ids.regrade = started.body.id;
    for (const name of ['Ada', 'Bob', 'Cy']) expect((await prisma.submission.findUniqueOrThrow({ where: { id: subs[name] } })).status).toBe('queued');

    const during = await gradebook();
    expect(scores(during)).toEqual({ Ada: [1, 1], Bob: [0, 0], Cy: [1, 1] });
    expect(during.students).toEqual(before.students);
    expect(await csv()).toBe(csvBefore);
    // The submission itself: queued again, but with its stored result, for staff and for its student.
    for (const key of [keys.instructor, keys.Cy]) {
      expect(await submission(subs.Cy, key)).toMatchObject({
        status: 'queued',
        regrading: true,
        verdict: 'ok',
        score: 1,
        tests: [expect.objectContaining({ passed: true, score: 1 })],
      });
    }
    // Progress as the API reports it, one at a time and in the version's list.
    expect((await http().get(`${regradePath()}/regrades/${ids.regrade}`).set(as(keys.instructor)).expect(200)).body).toMatchObject({
      total: 3,
      regraded: 0,
      failed: 0,
      pending: 3,
      done: false,
    });
    expect((await http().get(`${regradePath()}/regrades`).set(as(keys.instructor)).expect(200)).body).toEqual([expect.objectContaining({ id: ids.regrade, pending: 3 })]);
    // A student may not read it.
    await http().get(`${regradePath()}/regrades/${ids.regrade}`).set(as(keys.Ada)).expect(403);
  });

  it('after: the worker stores the new results, the gradebook switches to them, and the regrade counts 3 of 3', async () => {
    await queue.resume();
    const done = await waitUntil(
      async () => (await http().get(`${regradePath()}/regrades/${ids.regrade}`).set(as(keys.instructor)).expect(200)).body,
      (body) => body.done === true,
      { withinMs: 90_000, what: 'the regrade done' },
    );
    expect(done).toMatchObject({ total: 3, regraded: 3, failed: 0, pending: 0, done: true, finishedAt: expect.any(String) });
    expect(scores(await gradebook())).toEqual({ Ada: [1, 1], Bob: [0, 0], Cy: [0, 0] });
    expect(await csv()).toMatch(new RegExp(`,Cy,0,0\\r\\n`));
    expect(await submission(subs.Cy)).toMatchObject({ status: 'graded', regrading: false, score: 0 });
    expect(await prisma.gradingResult.count({ where: { submissionId: subs.Cy } })).toBe(2);
    const items = await prisma.regradeItem.findMany({ where: { regradeId: ids.regrade } });
    expect(Object.fromEntries(items.map((i) => [Object.entries(subs).find(([, id]) => id === i.submissionId)![0], [i.previousScore, i.score, i.state]]))).toEqual({
      Ada: [1, 1, 'regraded'],
      Bob: [0, 0, 'regraded'],
      Cy: [1, 0, 'regraded'],
    });
  });

  it('answers 404 with the field for a regrade that does not exist', async () => {
    const response = await http().get(`${regradePath()}/regrades/00000000-0000-4000-8000-000000000000`).set(as(keys.instructor)).expect(404);
    expect(response.body.fields).toEqual([{ field: 'id', reason: 'no such regrade' }]);
    await http().get(`${regradePath()}/regrades/not-a-uuid`).set(as(keys.instructor)).expect(404);
  });
});
