import { resolve } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { failurePattern } from '../../src/analytics/failure-pattern';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { newLmsKey, waitForGraded } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

const CATALOG = resolve(__dirname, '../../exercises/string-interning');
const solution = (kind: 'reference' | 'wrong' | 'starter') => readFileSync(resolve(CATALOG, kind, 'solution.py'), 'utf8');

interface GradedTest {
  name: string;
  passed: boolean;
  score: number;
  maxScore: number;
  message?: string;
}
interface Graded {
  id: string;
  score: number;
  maxScore: number;
  tests: GradedTest[];
}

/**
 * Per-test analytics over real gradings of a catalog exercise (string-interning): three students
 * submit the reference, the wrong answer and the starter, one of them twice. Every figure the route
 * answers is recomputed here from the submissions' own results, read one by one through the API.
 */
describe('exercise analytics: pass rates, common failures, histogram and trend', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let data: TestData;
  let course: { id: string; slug: string };
  let slug: string;
  let instructor: { id: string; key: string };
  let student: { id: string; key: string };
  const graded: Record<'adaRef' | 'bobWrong' | 'bobRef' | 'cyStarter', Graded> = {} as never;

  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const analytics = (key: string, query = '') => request(app.getHttpServer()).get(`/api/v1/courses/${course.slug}/exercises/${slug}/analytics${query}`).set(auth(key));

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    const people = await data.newCourseWithPeople();
    course = people.course;
    instructor = people.instructor;
    student = people.student;
    slug = (await data.newExercise(course.id, CATALOG)).slug;
    const bob = await data.newUser('student');
    const cy = await data.newUser('student');
    await data.enrol(course.id, bob.id, 'student');
    await data.enrol(course.id, cy.id, 'student');

    const submit = async (key: string, source: string) =>
      (
        await request(app.getHttpServer())
          .post('/api/v1/submissions')
          .set(auth(key))
          .send({ exercise: `${course.slug}/${slug}`, files: { 'solution.py': source } })
          .expect(202)
      ).body.id as string;
    const ids = {
      adaRef: await submit(student.key, solution('reference')),
      bobWrong: await submit(bob.key, solution('wrong')),
      cyStarter: await submit(cy.key, solution('starter')),
      instructorRef: await submit(instructor.key, solution('reference')),
    };
    // Bob's second try comes after his first, so "latest" and "best" agree on it.
    await waitForGraded(app, bob.key, ids.bobWrong, 240_000);
    const bobRef = await submit(bob.key, solution('reference'));
    for (const [name, id] of Object.entries({ ...ids, bobRef })) {
      const body = await waitForGraded(app, instructor.key, id, 240_000);
      expect({ name, status: body.status }).toEqual({ name, status: 'graded' });
      if (name !== 'instructorRef') graded[name as keyof typeof graded] = body;
    }
    // Bob's wrong answer was made "yesterday": the trend has two days.
    await prisma.submission.update({ where: { id: ids.bobWrong }, data: { createdAt: new Date(Date.now() - 24 * 3600_000) } });
    // A submission still queued counts for nothing.
    const version = await prisma.exerciseVersion.findFirstOrThrow({ where: { exercise: { slug } } });
    await prisma.submission.create({ data: { exerciseVersionId: version.id, userId: cy.id, files: {}, status: 'queued', maxScore: version.maxScore } });
  }, 900_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  /** What the route must answer for these submissions, computed from their own results. */
  function expected(population: Graded[]) {
    const tests = population[0].tests.map((first, position) => {
      const results = population.map((g) => g.tests[position]);
      const failing = results.filter((t) => !t.passed).map((t) => failurePattern(t.message ?? ''));
      const counts = new Map<string, number>();
      for (const pattern of failing) counts.set(pattern, (counts.get(pattern) ?? 0) + 1);
      const top = Math.max(0, ...counts.values());
      return {
        position,
        name: first.name,
        runs: results.length,
        passed: results.filter((t) => t.passed).length,
        passRate: Math.round((results.filter((t) => t.passed).length / results.length) * 1e4) / 1e4,
        maxScore: first.maxScore,
        topCount: top,
        topPatterns: [...counts].filter(([, n]) => n === top).map(([p]) => p),
      };
    });
    const histogram = Array.from({ length: 10 }, () => 0);
    for (const g of population) histogram[Math.min(9, Math.floor((g.score / g.maxScore) * 10))]++;
    const meanPercent = Math.round((population.reduce((sum, g) => sum + (g.score / g.maxScore) * 100, 0) / population.length) * 100) / 100;
    return { tests, histogram, meanPercent, fullMarks: population.filter((g) => g.score >= g.maxScore).length };
  }

  function checkAgainst(body: Record<string, unknown> & { tests: Array<Record<string, unknown>>; histogram: Array<{ count: number }> }, population: Graded[]) {
    const want = expected(population);
    expect(body.meanPercent).toBe(want.meanPercent);
    expect(body.fullMarks).toBe(want.fullMarks);
    expect(body.histogram.map((bin) => bin.count)).toEqual(want.histogram);
    expect(body.tests).toHaveLength(want.tests.length);
    body.tests.forEach((test, i) => {
      const w = want.tests[i];
      expect(test).toMatchObject({ position: w.position, name: w.name, runs: w.runs, passed: w.passed, passRate: w.passRate, maxScore: w.maxScore });
      if (w.topCount === 0) expect(test.commonFailure).toBeNull();
      else {
        const failure = test.commonFailure as { pattern: string; count: number; example: string };
        expect(failure.count).toBe(w.topCount);
        expect(w.topPatterns).toContain(failure.pattern);
        expect(failurePattern(failure.example)).toBe(failure.pattern);
      }
    });
  }

  // The rule is recomputed rather than assumed: on a loaded machine even the reference may lose a
  // memory test to its time limit, and which of Bob's two counts then follows from the scores.
  const bobBest = () => (graded.bobRef.score > graded.bobWrong.score ? graded.bobRef : graded.bobWrong);
  const today = () => new Date().toISOString().slice(0, 10);
  const dayOf = (population: Graded[]) => {
    const want = expected(population);
    return { submissions: population.length, meanPercent: want.meanPercent, fullMarks: want.fullMarks };
  };

  it('sanity: four real gradings of the six-point exercise, the wrong answer and the starter below full marks', () => {
    for (const g of Object.values(graded)) expect(g.maxScore).toBe(6);
    expect(graded.bobWrong.score).toBeLessThan(graded.bobWrong.maxScore);
    expect(graded.cyStarter.score).toBeLessThan(graded.cyStarter.maxScore);
  });

  it('counts each student once by default: the submission the gradebook counts (best)', async () => {
    const { body } = await analytics(instructor.key).expect(200);
    expect(body).toMatchObject({ course: course.slug, exercise: slug, basis: 'counting', policy: 'best', version: { number: 1, current: true }, submissions: 3, students: 3 });
    expect(body.basisDescription).toContain('counts under the gradebook policy "best"');
    const population = [graded.adaRef, bobBest(), graded.cyStarter];
    checkAgainst(body, population);
    const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString().slice(0, 10);
    const days =
      bobBest() === graded.bobWrong
        ? [
            { day: yesterday, ...dayOf([graded.bobWrong]) },
            { day: today(), ...dayOf([graded.adaRef, graded.cyStarter]) },
          ]
        : [{ day: today(), ...dayOf(population) }];
    expect(body.trend).toEqual(days);
  });

  it('counts every graded submission with basis=all, by day', async () => {
    const { body } = await analytics(instructor.key, '?basis=all').expect(200);
    expect(body).toMatchObject({ basis: 'all', submissions: 4, students: 3 });
    expect(body.basisDescription).toBe('every graded submission of version 1 by an enrolled student');
    checkAgainst(body, [graded.adaRef, graded.bobWrong, graded.bobRef, graded.cyStarter]);
    const yesterday = new Date(Date.now() - 24 * 3600_000).toISOString().slice(0, 10);
    expect(body.trend).toEqual([
      { day: yesterday, ...dayOf([graded.bobWrong]) },
      { day: today(), ...dayOf([graded.adaRef, graded.bobRef, graded.cyStarter]) },
    ]);
  });

  it('follows the course policy: latest', async () => {
    await prisma.course.update({ where: { id: course.id }, data: { gradebookPolicy: 'latest' } });
    try {
      const { body } = await analytics(instructor.key).expect(200);
      expect(body).toMatchObject({ policy: 'latest', submissions: 3 });
      checkAgainst(body, [graded.adaRef, graded.bobRef, graded.cyStarter]);
    } finally {
      await prisma.course.update({ where: { id: course.id }, data: { gradebookPolicy: 'best' } });
    }
  });

  it('is for course staff: 403 for a student, 404 for outsiders, bad queries named', async () => {
    const refused = await analytics(student.key).expect(403);
    expect(refused.body.message).toContain('for its instructors');
    const outsider = await data.newUser('student');
    await analytics(outsider.key).expect(404);
    const lms = await newLmsKey(prisma, course.id);
    await analytics(lms.key).expect(200);
    const badBasis = await analytics(instructor.key, '?basis=some').expect(400);
    expect(badBasis.body.fields).toEqual([{ field: 'basis', reason: 'must be one of counting, all' }]);
    const noVersion = await analytics(instructor.key, '?version=7').expect(404);
    expect(noVersion.body.fields).toEqual([{ field: 'version', reason: 'no such version of this exercise' }]);
    await analytics(instructor.key, '?version=abc').expect(400);
    await request(app.getHttpServer()).get(`/api/v1/courses/${course.slug}/exercises/nope/analytics`).set(auth(instructor.key)).expect(404);
  });
});
