import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { fixture, TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';
import { waitUntil } from '../support/polling';

/** Reads an SSE response into its events. */
function parseEvents(text: string): { event: string; data: { status: string; score: number | null } }[] {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]);
      return { event, data };
    });
}

describe('submissions API: on behalf, multipart, listing, live status, regrade', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let data: TestData;
  let instructor: { id: string; key: string };
  let student: { id: string; key: string };
  let course: { id: string; slug: string };
  let reference: string;
  const http = () => request(app.getHttpServer());
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    data = new TestData(app.get(PrismaService));
    ({ course, instructor, student } = await data.newCourseWithPeople());
    reference = `${course.slug}/${(await data.newExercise(course.id)).slug}`;
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it('takes a multipart upload like JSON', async () => {
    const created = await http()
      .post('/api/v1/submissions')
      .set(as(student.key))
      .field('exercise', reference)
      .attach('files', Buffer.from(fixture('submissions/prints-total.py')), 'solution.py')
      .expect(202);
    const stored = await app.get(PrismaService).submission.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(stored.files).toEqual({ 'solution.py': fixture('submissions/prints-total.py') });
  });

  it('streams the status live over SSE until graded', async () => {
    const created = await http()
      .post('/api/v1/submissions')
      .set(as(student.key))
      .send({ exercise: reference, files: { 'solution.py': 'print(2)\n' } })
      .expect(202);
    const stream = await http()
      .get(`/api/v1/submissions/${created.body.id}/events`)
      .set(as(student.key))
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => done(null, text));
      });
    expect(stream.headers['content-type']).toMatch(/text\/event-stream/);
    const events = parseEvents(stream.body as string);
    expect(events.at(-1)).toEqual({ event: 'status', data: expect.objectContaining({ status: 'graded', score: 1 }) });
    expect(events.every((e) => e.event === 'status')).toBe(true);
    const statuses = events.map((e) => e.data.status);
    expect(new Set(statuses).size).toBe(statuses.length);
  });

  it('404s the stream of a submission that is not yours', async () => {
    const created = await http()
      .post('/api/v1/submissions')
      .set(as(student.key))
      .send({ exercise: reference, files: { 'solution.py': 'print(3)\n' } })
      .expect(202);
    const stranger = await data.newUser('student');
    await http().get(`/api/v1/submissions/${created.body.id}/events`).set(as(stranger.key)).expect(404);
  });

  it('lists with filters and cursor pagination; students see only their own', async () => {
    const other = await data.newUser('student');
    await data.enrol(course.id, other.id, 'student');
    for (let i = 0; i < 3; i++) {
      await http()
        .post('/api/v1/submissions')
        .set(as(other.key))
        .send({ exercise: reference, files: { 'solution.py': `print(${i})\n` } })
        .expect(202);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await http()
        .get('/api/v1/submissions')
        .query({ course: course.slug, student: other.id, limit: 2, ...(cursor ? { cursor } : {}) })
        .set(as(instructor.key))
        .expect(200);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
    const own = await http().get('/api/v1/submissions').query({ course: course.slug }).set(as(other.key)).expect(200);
    expect(own.body.items.every((item: { studentId: string }) => item.studentId === other.id)).toBe(true);
    await http().get('/api/v1/submissions').query({ course: course.slug, student: student.id }).set(as(other.key)).expect(403);
    const bad = await http().get('/api/v1/submissions').query({ cursor: 'garbage!' }).set(as(other.key)).expect(400);
    expect(bad.body.fields).toEqual([{ field: 'cursor', reason: expect.any(String) }]);
  });

  it('regrades a graded submission for staff only, keeping the history of runs', async () => {
    const created = await http()
      .post('/api/v1/submissions')
      .set(as(student.key))
      .send({ exercise: reference, files: { 'solution.py': 'print(4)\n' } })
      .expect(202);
    const prisma = app.get(PrismaService);
    const waitGraded = (runs: number) =>
      waitUntil(
        async () => ({
          runs: await prisma.gradingResult.count({ where: { submissionId: created.body.id } }),
          status: (await prisma.submission.findUniqueOrThrow({ where: { id: created.body.id } })).status,
        }),
        (seen) => seen.runs === runs && seen.status === 'graded',
        { withinMs: 180_000, everyMs: 150, what: `run ${runs} graded` },
      );
    await waitGraded(1);
    await http().post(`/api/v1/submissions/${created.body.id}/regrade`).set(as(student.key)).expect(403);
    await http().post(`/api/v1/submissions/${created.body.id}/regrade`).set(as(instructor.key)).expect(202);
    await waitGraded(2);
  });
});
