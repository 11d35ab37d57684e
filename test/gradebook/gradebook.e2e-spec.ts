import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { fixture, TestData } from '../support/fixtures';
import { newLmsKey, waitForGraded } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

/**
 * One course, three enrolled students and an instructor who also submits:
 * - Ada (graded for real in the sandbox) on "alpha" (1 point): a clean import, then a crash → best 1, latest 0;
 * - "Doe, \"JJ\"" on "beta" across two versions: 3/3 on version 1, later 1/4 on version 2 → best 3, latest 1;
 *   plus a newer submission still queued, which counts for neither;
 * - Zed, who never submitted: empty cells, total 0.
 */
describe('gradebook: best and latest, JSON and CSV, for course staff only', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let data: TestData;
  let courseSlug: string;
  let courseId: string;
  const ids: Record<string, string> = {};
  const keys: Record<string, string> = {};
  const subs: Record<string, string> = {};

  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const get = (key: string, query = '') => request(app.getHttpServer()).get(`/api/v1/courses/${courseSlug}/gradebook${query}`).set(auth(key));

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    const course = await data.newCourse();
    courseSlug = course.slug;
    courseId = course.id;
    for (const [name, role] of [
      ['instructor', 'instructor'],
      ['ada', 'student'],
      ['doe', 'student'],
      ['zed', 'student'],
    ] as const) {
      const user = await data.newUser(role === 'instructor' ? 'instructor' : 'student');
      await data.enrol(course.id, user.id, role);
      ids[name] = user.id;
      keys[name] = user.key;
    }
    await prisma.user.update({ where: { id: ids.ada }, data: { displayName: 'Ada', externalSource: course.id, externalId: 'S-1' } });
    await prisma.user.update({ where: { id: ids.doe }, data: { displayName: 'Doe, "JJ"', externalSource: course.id, externalId: '=cmd' } });
    await prisma.user.update({ where: { id: ids.zed }, data: { displayName: 'Zed' } });

    const alpha = await data.newExercise(course.id, 'imports');
    const beta = await data.newExercise(course.id, 'imports');
    await prisma.exercise.update({ where: { id: alpha.exercise.id }, data: { slug: 'alpha' } });
    await prisma.exercise.update({ where: { id: beta.exercise.id }, data: { slug: 'beta' } });

    // Real grading: Ada's solution that imports cleanly (1 point), then one that raises at import (0).
    const submit = async (key: string, file: string) =>
      (
        await request(app.getHttpServer())
          .post('/api/v1/submissions')
          .set(auth(key))
          .send({ exercise: `${course.slug}/alpha`, files: { 'solution.py': fixture(file) } })
          .expect(202)
      ).body.id as string;
    subs.adaGood = await submit(keys.ada, 'submissions/prints-total.py');
    expect(await waitForGraded(app, keys.ada, subs.adaGood)).toMatchObject({ status: 'graded', score: 1 });
    subs.adaCrash = await submit(keys.ada, 'submissions/raises.py');
    expect(await waitForGraded(app, keys.ada, subs.adaCrash)).toMatchObject({ status: 'graded', score: 0 });
    // The instructor is not a student: their submission is not in the gradebook.
    const own = await submit(keys.instructor, 'submissions/prints-total.py');
    await waitForGraded(app, keys.instructor, own);

    // Doe's history on beta across two versions, stored directly (the interim grader gives all or nothing).
    const v2 = await prisma.exerciseVersion.create({
      data: { exerciseId: beta.exercise.id, number: 2, contentHash: `v2-${beta.slug}`, spec: beta.version.spec as object, files: {}, maxScore: 4, status: 'valid' },
    });
    await prisma.exercise.update({ where: { id: beta.exercise.id }, data: { currentVersionId: v2.id } });
    const stored = (versionId: string, status: 'graded' | 'queued', score: number | null, maxScore: number, minutesAgo: number) =>
      prisma.submission.create({
        data: { exerciseVersionId: versionId, userId: ids.doe, files: {}, status, score, maxScore, createdAt: new Date(Date.now() - minutesAgo * 60_000) },
      });
    subs.doeV1 = (await stored(beta.version.id, 'graded', 3, 3, 30)).id;
    subs.doeV2 = (await stored(v2.id, 'graded', 1, 4, 20)).id;
    await stored(v2.id, 'queued', null, 4, 1);
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it('policy=best: every enrolled student, the best graded score per exercise across versions, and totals', async () => {
    const response = await get(keys.instructor, '?policy=best').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      course: courseSlug,
      policy: 'best',
      generatedAt: expect.any(String),
      exercises: [
        { slug: 'alpha', title: expect.any(String), maxScore: 1 },
        { slug: 'beta', title: expect.any(String), maxScore: 4 },
      ],
      maxTotal: 5,
      students: [
        {
          id: ids.ada,
          displayName: 'Ada',
          externalId: 'S-1',
          grades: { alpha: { score: 1, maxScore: 1, submissionId: subs.adaGood, submittedAt: expect.any(String) }, beta: null },
          total: 1,
        },
        {
          id: ids.doe,
          displayName: 'Doe, "JJ"',
          externalId: '=cmd',
          grades: { alpha: null, beta: { score: 3, maxScore: 3, submissionId: subs.doeV1, submittedAt: expect.any(String) } },
          total: 3,
        },
        { id: ids.zed, displayName: 'Zed', externalId: null, grades: { alpha: null, beta: null }, total: 0 },
      ],
    });
  });

  it("policy=latest: the most recent graded submission; without ?policy the course's gradebookPolicy decides", async () => {
    const latest = await get(keys.instructor, '?policy=latest').expect(200);
    expect(latest.body.policy).toBe('latest');
    const byId = Object.fromEntries(latest.body.students.map((s: { id: string }) => [s.id, s]));
    expect(byId[ids.ada].grades.alpha).toMatchObject({ score: 0, submissionId: subs.adaCrash });
    expect(byId[ids.ada].total).toBe(0);
    expect(byId[ids.doe].grades.beta).toMatchObject({ score: 1, maxScore: 4, submissionId: subs.doeV2 });

    expect((await get(keys.instructor).expect(200)).body.policy).toBe('best');
    await prisma.course.update({ where: { id: courseId }, data: { gradebookPolicy: 'latest' } });
    try {
      const byDefault = await get(keys.instructor).expect(200);
      expect(byDefault.body.policy).toBe('latest');
      expect(byDefault.body.students[0].grades.alpha.submissionId).toBe(subs.adaCrash);
      expect((await get(keys.instructor, '?policy=best').expect(200)).body.policy).toBe('best');
    } finally {
      await prisma.course.update({ where: { id: courseId }, data: { gradebookPolicy: 'best' } });
    }
  });

  it('format=csv: the header, quoted fields, empty cells, as an attachment', async () => {
    const response = await get(keys.instructor, '?format=csv&policy=best')
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="${courseSlug}-gradebook.csv"`);
    expect(response.body).toBe(
      ['student_id,external_id,display_name,alpha,beta,total', `${ids.ada},S-1,Ada,1,,1`, `${ids.doe},'=cmd,"Doe, ""JJ""",,3,3`, `${ids.zed},,Zed,,,0`, ''].join('\r\n'),
    );
    const latest = await get(keys.instructor, '?format=csv&policy=latest');
    expect(latest.text.split('\r\n')[1]).toBe(`${ids.ada},S-1,Ada,0,,0`);
    const negotiated = await get(keys.instructor).set('Accept', 'text/csv').expect(200);
    expect(negotiated.headers['content-type']).toBe('text/csv; charset=utf-8');
  });

  it('is for course staff: admin and the lms key read it; students get 403; other instructors 404; bad query 400', async () => {
    const admin = await data.newUser('admin');
    await get(admin.key).expect(200);
    const lms = await newLmsKey(prisma, courseId);
    expect((await get(lms.key).expect(200)).body.students).toHaveLength(3);
    const denied = await get(keys.ada).expect(403);
    expect(denied.body).toMatchObject({ statusCode: 403, error: 'forbidden' });
    const outsider = await data.newUser('instructor');
    await get(outsider.key).expect(404);
    const otherLms = await newLmsKey(prisma, (await data.newCourse()).id);
    await get(otherLms.key).expect(404);
    for (const [query, field] of [
      ['?policy=worst', 'policy'],
      ['?format=xlsx', 'format'],
      ['?sort=name', 'sort'],
    ]) {
      const response = await get(keys.instructor, query).expect(400);
      expect(response.body.fields).toEqual([{ field, reason: expect.any(String) }]);
    }
  });
});
