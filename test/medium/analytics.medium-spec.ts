import { randomUUID } from 'node:crypto';
import { AnalyticsService } from '../../src/analytics/analytics.service';
import { failurePattern } from '../../src/analytics/failure-pattern';
import { type MediumContext, startMedium } from './medium.factory';

const STUDENTS = 300;
const ATTEMPTS = 10;
const POINTS = [1, 2, 3];
const DAY_MS = 24 * 3600_000;

/** Student i's attempt j: which tests pass and what a failing one says (deterministic, so the figures can be recomputed). */
function outcome(i: number, j: number) {
  const passed = [(i + j) % 2 === 0, j >= 5, i % 3 === 0];
  const messages = [
    passed[0] ? 'ok' : `expected ${i} got ${i + 1}`,
    passed[1] ? 'ok' : j % 2 === 0 ? `memory grew by ${(i * 0.37).toFixed(2)} MiB` : `kept ${j} objects alive at 0x${(i * 4096).toString(16)}`,
    passed[2] ? 'ok' : `did not finish within ${5 + (i % 4)} s`,
  ];
  const score = POINTS.reduce((sum, p, k) => sum + (passed[k] ? p : 0), 0);
  return { passed, messages, score };
}

/** AnalyticsService over 3,000 submissions with 9,000 test results: exact figures, aggregated in SQL, in time. */
describe('AnalyticsService at scale', () => {
  let ctx: MediumContext;
  let analytics: AnalyticsService;
  let course: { id: string; slug: string };
  let slug: string;
  let instructor: Awaited<ReturnType<MediumContext['newPrincipal']>>;
  const start = Date.UTC(2026, 10, 1, 12);

  beforeAll(async () => {
    ctx = await startMedium();
    analytics = ctx.get(AnalyticsService);
    course = await ctx.data.newCourse();
    instructor = await ctx.newPrincipal('instructor');
    await ctx.data.enrol(course.id, instructor.userId, 'instructor');
    slug = `scale-${randomUUID().slice(0, 8)}`;
    const exercise = await ctx.prisma.exercise.create({ data: { courseId: course.id, slug, title: 'At scale' } });
    const version = await ctx.prisma.exerciseVersion.create({
      data: {
        exerciseId: exercise.id,
        number: 1,
        contentHash: randomUUID(),
        spec: { title: 'At scale', statement: '', studentFiles: ['solution.py'], tests: [], limits: { memoryMiB: 256, timeSeconds: 10 } },
        files: {},
        maxScore: 6,
        status: 'valid',
      },
    });
    await ctx.prisma.exercise.update({ where: { id: exercise.id }, data: { currentVersionId: version.id } });
    const users = Array.from({ length: STUDENTS }, () => ({ id: randomUUID(), role: 'student' as const, displayName: 'S' }));
    await ctx.prisma.user.createMany({ data: users });
    await ctx.prisma.enrolment.createMany({ data: users.map((u) => ({ courseId: course.id, userId: u.id, role: 'student' as const })) });
    const submissions = [];
    const results = [];
    const tests: { gradingResultId: string; position: number; name: string; score: number; maxScore: number; passed: boolean; message: string }[] = [];
    for (let i = 0; i < STUDENTS; i++) {
      for (let j = 0; j < ATTEMPTS; j++) {
        const { passed, messages, score } = outcome(i, j);
        const id = randomUUID();
        const resultId = randomUUID();
        // Attempt j on day j % 3 of the range (so the trend has three days), in order within a student.
        submissions.push({
          id,
          exerciseVersionId: version.id,
          userId: users[i].id,
          files: {},
          status: 'graded' as const,
          score,
          maxScore: 6,
          createdAt: new Date(start + (j % 3) * DAY_MS + j * 60_000 + i),
        });
        results.push({ id: resultId, submissionId: id, run: 1, verdict: 'ok' as const, score, maxScore: 6 });
        POINTS.forEach((points, k) =>
          tests.push({ gradingResultId: resultId, position: k, name: `test ${k}`, score: passed[k] ? points : 0, maxScore: points, passed: passed[k], message: messages[k] }),
        );
      }
    }
    await ctx.prisma.submission.createMany({ data: submissions });
    await ctx.prisma.gradingResult.createMany({ data: results });
    await ctx.prisma.testResult.createMany({ data: tests });
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
  });

  function expectedFor(population: { i: number; j: number }[]) {
    const perTest = POINTS.map((_, k) => {
      const failing = population
        .map(({ i, j }) => outcome(i, j))
        .filter((o) => !o.passed[k])
        .map((o) => failurePattern(o.messages[k]));
      const counts = new Map<string, number>();
      for (const p of failing) counts.set(p, (counts.get(p) ?? 0) + 1);
      const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      return { passed: population.length - failing.length, top };
    });
    const histogram = Array.from({ length: 10 }, () => 0);
    for (const { i, j } of population) histogram[Math.min(9, Math.floor((outcome(i, j).score / 6) * 10))]++;
    return { perTest, histogram };
  }

  it('counts every submission with basis=all, exactly, within a second or two', async () => {
    const began = performance.now();
    const body = await analytics.forExercise(instructor.principal, course.slug, slug, 'all');
    const elapsedMs = performance.now() - began;
    const population = Array.from({ length: STUDENTS * ATTEMPTS }, (_, n) => ({ i: Math.floor(n / ATTEMPTS), j: n % ATTEMPTS }));
    const want = expectedFor(population);
    expect({ submissions: body.submissions, students: body.students }).toEqual({ submissions: 3000, students: 300 });
    body.tests.forEach((t, k) => {
      expect({ runs: t.runs, passed: t.passed }).toEqual({ runs: 3000, passed: want.perTest[k].passed });
      expect(t.commonFailure && [t.commonFailure.pattern, t.commonFailure.count]).toEqual(want.perTest[k].top);
    });
    // The first test: one pattern for every failure ("expected N got N"), whatever the numbers.
    expect(body.tests[0].commonFailure).toMatchObject({ pattern: 'expected N got N', count: 1500 });
    expect(body.histogram.map((b) => b.count)).toEqual(want.histogram);
    expect(body.trend.map((d) => [d.day, d.submissions])).toEqual([
      ['2026-11-01', 1200],
      ['2026-11-02', 900],
      ['2026-11-03', 900],
    ]);
    console.log(`analytics over 3000 submissions / 9000 test results: ${elapsedMs.toFixed(0)} ms`);
    expect(elapsedMs).toBeLessThan(5000);
  });

  it("counts each student's best submission by default (highest score, earliest on a tie)", async () => {
    const body = await analytics.forExercise(instructor.principal, course.slug, slug);
    const population = Array.from({ length: STUDENTS }, (_, i) => {
      let best = 0;
      for (let j = 1; j < ATTEMPTS; j++) if (outcome(i, j).score > outcome(i, best).score) best = j;
      return { i, j: best };
    });
    const want = expectedFor(population);
    expect(body.submissions).toBe(300);
    body.tests.forEach((t, k) => expect(t.passed).toBe(want.perTest[k].passed));
    expect(body.histogram.map((b) => b.count)).toEqual(want.histogram);
  });
});
