import { BackpressureRepository } from '../../src/backpressure/backpressure.repository';
import { type MediumContext, startMedium } from './medium.factory';

/**
 * Back-pressure's queries on a real database: the student's submissions of an exercise counted in
 * the priority window (any version of it, the window's start in, its end out), and the queued ones
 * a newer submission may replace (never one with a score, never one that is no longer queued).
 */
describe('backpressure repository', () => {
  let ctx: MediumContext;
  let repository: BackpressureRepository;

  beforeAll(async () => {
    ctx = await startMedium();
    repository = ctx.get(BackpressureRepository);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  async function exerciseWithTwoVersions() {
    const course = await ctx.data.newCourse();
    const { exercise, version } = await ctx.data.newExercise(course.id);
    const second = await ctx.prisma.exerciseVersion.create({
      data: {
        exerciseId: exercise.id,
        number: 2,
        contentHash: `${version.contentHash}-2`,
        spec: version.spec as object,
        files: version.files as object,
        maxScore: version.maxScore,
        status: 'valid',
      },
    });
    return { course, exercise, versions: [version.id, second.id] };
  }

  const submit = (userId: string, exerciseVersionId: string, data: { createdAt?: Date; status?: 'queued' | 'running' | 'graded'; score?: number } = {}) =>
    ctx.prisma.submission.create({ data: { exerciseVersionId, userId, files: {}, maxScore: 1, jobId: `job-${Math.random()}`, ...data } });

  it("counts the student's submissions of the exercise in [since, before), over all its versions and no one else's", async () => {
    const { course, exercise, versions } = await exerciseWithTwoVersions();
    const { version: otherExercise } = await ctx.data.newExercise(course.id);
    const student = await ctx.data.newUser('student');
    const someoneElse = await ctx.data.newUser('student');
    const since = new Date('2026-03-01T10:00:00.000Z');
    const before = new Date('2026-03-01T10:30:00.000Z');
    const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000);

    await submit(student.id, versions[0], { createdAt: since }); // the window's start: in
    await submit(student.id, versions[1], { createdAt: at(10), status: 'graded', score: 1 }); // another version, any status: in
    await submit(student.id, versions[0], { createdAt: at(29) });
    await submit(student.id, versions[0], { createdAt: before }); // the window's end: out
    await submit(student.id, versions[0], { createdAt: at(-1) }); // before the window: out
    await submit(student.id, otherExercise.id, { createdAt: at(5) }); // another exercise: out
    await submit(someoneElse.id, versions[0], { createdAt: at(5) }); // another student: out

    expect(await repository.countCreatedBetween(student.id, exercise.id, since, before)).toBe(3);
    expect(await repository.countCreatedBetween(someoneElse.id, exercise.id, since, before)).toBe(1);
  });

  it('lists the queued submissions without a score, newest first, leaving out the newest one and any other exercise', async () => {
    const { course, exercise, versions } = await exerciseWithTwoVersions();
    const { version: otherExercise } = await ctx.data.newExercise(course.id);
    const student = await ctx.data.newUser('student');
    const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 9, minutes));

    const oldest = await submit(student.id, versions[0], { createdAt: at(1) });
    const middle = await submit(student.id, versions[1], { createdAt: at(2) });
    await submit(student.id, versions[0], { createdAt: at(3), score: 0.5 }); // being regraded: never replaced
    await submit(student.id, versions[0], { createdAt: at(4), status: 'running' });
    await submit(student.id, otherExercise.id, { createdAt: at(5) });
    const newest = await submit(student.id, versions[0], { createdAt: at(6) });

    const queued = await repository.queuedUngradedNewestFirst(student.id, exercise.id, newest.id);
    expect(queued).toEqual([
      { id: middle.id, jobId: middle.jobId },
      { id: oldest.id, jobId: oldest.jobId },
    ]);
  });

  it('ends a replaced submission only while it is still queued without a score', async () => {
    const { versions } = await exerciseWithTwoVersions();
    const student = await ctx.data.newUser('student');
    const queued = await submit(student.id, versions[0]);
    const taken = await submit(student.id, versions[0], { status: 'running' });
    const regrading = await submit(student.id, versions[0], { score: 1 });

    expect(await repository.endReplaced(queued.id, 'replaced by a newer one')).toBe(true);
    expect(await repository.endReplaced(queued.id, 'again')).toBe(false);
    expect(await repository.endReplaced(taken.id, 'replaced')).toBe(false);
    expect(await repository.endReplaced(regrading.id, 'replaced')).toBe(false);

    const ended = await ctx.prisma.submission.findUniqueOrThrow({ where: { id: queued.id } });
    expect(ended).toMatchObject({ status: 'error', errorReason: 'replaced by a newer one' });
    expect(ended.finishedAt).toBeInstanceOf(Date);
    const untouched = await ctx.prisma.submission.findMany({ where: { id: { in: [taken.id, regrading.id] } }, select: { status: true, errorReason: true } });
    expect(untouched.sort((a, b) => a.status.localeCompare(b.status))).toEqual([
      { status: 'queued', errorReason: null },
      { status: 'running', errorReason: null },
    ]);
  });
});
