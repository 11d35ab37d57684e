import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { strToU8, zipSync } from 'fflate';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';

function readFolder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

describe('publishing exercises: validated in the sandbox, versioned by content', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let data: TestData;
  let instructor: { id: string; key: string };
  let student: { id: string; key: string };
  let course: { id: string; slug: string };
  const squares = readFolder(resolve(__dirname, '../fixtures/exercises/squares'));
  const http = () => request(app.getHttpServer());
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  async function versionSettled(slug: string, number: number) {
    for (let i = 0; i < 400; i++) {
      const versions = await http().get(`/api/v1/courses/${course.slug}/exercises/${slug}/versions`).set(as(instructor.key)).expect(200);
      const version = versions.body.find((v: { number: number }) => v.number === number);
      if (version && version.status !== 'pending') return { version, all: versions.body };
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`version ${number} of ${slug} still pending`);
  }

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    data = new TestData(app.get(PrismaService));
    ({ course, instructor, student } = await data.newCourseWithPeople());
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it('publishes a folder as JSON, validates it (reference full, starter and wrong not) and makes it current', async () => {
    const published = await http().post(`/api/v1/courses/${course.slug}/exercises`).set(as(instructor.key)).send({ slug: 'squares', files: squares }).expect(202);
    expect(published.body).toMatchObject({ exercise: 'squares', version: 1, status: 'pending', created: true });
    // Not visible to students until it is valid... then it is.
    const { version } = await versionSettled('squares', 1);
    expect(version).toMatchObject({ status: 'valid', current: true, maxScore: 3 });
    expect(version.validation).toMatchObject({
      problems: [],
      reference: { score: 3, maxScore: 3 },
      starter: { score: 1, maxScore: 3 },
      // Its total is wrong: the memory test's points need working code too (the judge compares it).
      wrong: { score: 0, maxScore: 3 },
      referenceRuns: 4,
      nulls: [0, 1, 2, 3].map(() => expect.objectContaining({ score: 0 })),
      margins: [expect.objectContaining({ check: 'big-total-rss', kind: 'max', budgetMiB: 5 })],
    });
    expect(version.referencePeaks).toEqual({ 'total stays within 5 MiB': { rss_peak_mib: expect.any(Number) } });
    const listed = await http().get(`/api/v1/courses/${course.slug}/exercises`).set(as(student.key)).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ slug: 'squares', maxScore: 3, studentFiles: ['solution.py'] })]);
    const detail = await http().get(`/api/v1/courses/${course.slug}/exercises/squares`).set(as(student.key)).expect(200);
    expect(detail.body.starter['solution.py']).toBe(squares['starter/solution.py']);
  });

  it('answers 200 and creates nothing when the same content is published again', async () => {
    const again = await http().post(`/api/v1/courses/${course.slug}/exercises`).set(as(instructor.key)).send({ slug: 'squares', files: squares }).expect(200);
    expect(again.body).toMatchObject({ version: 1, created: false, status: 'valid' });
  });

  it('refuses a malformed folder with 400 naming file, field and reason; students may not publish', async () => {
    const broken = { ...squares, 'exercise.yaml': squares['exercise.yaml'].replace('points: 2', 'points: -1') };
    const response = await http().post(`/api/v1/courses/${course.slug}/exercises`).set(as(instructor.key)).send({ slug: 'broken', files: broken }).expect(400);
    expect(response.body.fields).toEqual([{ field: 'files.exercise.yaml: tests[1].points', reason: expect.any(String) }]);
    await http().post(`/api/v1/courses/${course.slug}/exercises`).set(as(student.key)).send({ slug: 'squares', files: squares }).expect(403);
  });

  it('marks a version whose reference fails invalid and keeps the current version', async () => {
    const badReference = { ...squares, 'reference/solution.py': squares['starter/solution.py'] };
    const published = await http().post(`/api/v1/courses/${course.slug}/exercises`).set(as(instructor.key)).send({ slug: 'squares', files: badReference }).expect(202);
    expect(published.body.version).toBe(2);
    const { version, all } = await versionSettled('squares', 2);
    expect(version.status).toBe('invalid');
    expect(version.validation.problems).toEqual([
      expect.stringMatching(/^reference\/ earns 1 of 3; it must earn full marks/),
      // The list-building "reference" grows far past the budget its own check sets.
      expect.stringMatching(/^out-of-process check "big-total-rss": its max_growth_mib of 5 MiB is -\d/),
    ]);
    expect(all.find((v: { number: number }) => v.number === 1).current).toBe(true);
  });

  it('takes a .zip; a new version never changes what older submissions were graded against', async () => {
    const prisma = app.get(PrismaService);
    const old = await http().post('/api/v1/submissions').set(as(student.key)).send({ exercise: `${course.slug}/squares`, files: { 'solution.py': squares['reference/solution.py'] } }).expect(202);
    const changed = { ...squares, 'statement.md': `${squares['statement.md']}\nNow with more words.\n` };
    const zip = zipSync(Object.fromEntries(Object.entries(changed).map(([path, content]) => [`squares/${path}`, strToU8(content)])));
    const published = await http().post(`/api/v1/courses/${course.slug}/exercises`).set(as(instructor.key)).attach('archive', Buffer.from(zip), 'squares.zip').expect(202);
    expect(published.body).toMatchObject({ exercise: 'squares', version: 3 });
    const { version } = await versionSettled('squares', 3);
    expect(version).toMatchObject({ status: 'valid', current: true });
    const fresh = await http().post('/api/v1/submissions').set(as(student.key)).send({ exercise: `${course.slug}/squares`, files: { 'solution.py': squares['reference/solution.py'] } }).expect(202);
    const versionOf = async (id: string) => (await prisma.submission.findUniqueOrThrow({ where: { id }, include: { exerciseVersion: true } })).exerciseVersion.number;
    expect(await versionOf(old.body.id)).toBe(1);
    expect(await versionOf(fresh.body.id)).toBe(3);
    // Regrading version 1 regrades the old submission against version 1.
    for (let i = 0; i < 200 && (await prisma.submission.findUniqueOrThrow({ where: { id: old.body.id } })).status !== 'graded'; i++) await new Promise((r) => setTimeout(r, 150));
    const regrade = await http().post(`/api/v1/courses/${course.slug}/exercises/squares/versions/1/regrade`).set(as(instructor.key)).expect(202);
    expect(regrade.body).toMatchObject({ queued: 1, total: 1, version: 1 });
    expect(await versionOf(old.body.id)).toBe(1);
  });
});
