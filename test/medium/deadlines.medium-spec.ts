import { SubmissionRefusedError } from '../../src/common/errors/domain-errors';
import { SubmissionsService } from '../../src/submissions/submissions.service';
import { type MediumContext, startMedium } from './medium.factory';

/**
 * The attempt limit under parallel requests, on a real database: the check and the insert share a
 * transaction and a lock per student and exercise, so eight submissions at once against a limit of
 * three store exactly three, and the other five are refused with the limit named.
 */
describe('deadlines: the attempt limit holds under parallel submissions', () => {
  let ctx: MediumContext;
  let submissions: SubmissionsService;

  beforeAll(async () => {
    ctx = await startMedium();
    submissions = ctx.get(SubmissionsService);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('stores exactly maxAttempts of eight parallel submissions', async () => {
    const course = await ctx.data.newCourse();
    const { slug, exercise } = await ctx.data.newExercise(course.id);
    const student = await ctx.newPrincipal('student');
    await ctx.data.enrol(course.id, student.userId, 'student');
    await ctx.prisma.exerciseDeadline.create({ data: { exerciseId: exercise.id, maxAttempts: 3 } });

    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => submissions.create(student.principal, { exercise: `${course.slug}/${slug}`, files: { 'solution.py': `print(${i})\n` } })),
    );
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as Error);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect(refused).toHaveLength(5);
    for (const error of refused) {
      expect(error).toBeInstanceOf(SubmissionRefusedError);
      expect(error).toMatchObject({ code: 'attempt_limit_reached', status: 403 });
    }
    expect(await ctx.prisma.submission.count({ where: { userId: student.userId, exerciseVersion: { exerciseId: exercise.id } } })).toBe(3);
  });
});
