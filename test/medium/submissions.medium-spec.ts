import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../src/common/errors/domain-errors';
import { CoursesService } from '../../src/courses/courses.service';
import { GRADING_QUEUE, GradingJob } from '../../src/queue/queues';
import { RegradesService } from '../../src/submissions/regrades.service';
import { SubmissionRepository } from '../../src/submissions/submission.repository';
import { SubmissionsService } from '../../src/submissions/submissions.service';
import { type MediumContext, startMedium } from './medium.factory';

/**
 * SubmissionsService on a real database and queue: what is stored and queued when a submission
 * arrives, idempotency, who reads what, listing pages and regrades. Nothing consumes the queue here:
 * the jobs it leaves are read back as the worker would find them.
 */
describe('SubmissionsService', () => {
  let ctx: MediumContext;
  let submissions: SubmissionsService;

  beforeAll(async () => {
    ctx = await startMedium();
    submissions = ctx.get(SubmissionsService);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  /** A course with a published exercise, an instructor and two enrolled students. */
  async function newClass() {
    const course = await ctx.data.newCourse();
    const { slug, version } = await ctx.data.newExercise(course.id);
    const instructor = await ctx.newPrincipal('instructor');
    const student = await ctx.newPrincipal('student');
    const classmate = await ctx.newPrincipal('student');
    for (const [who, role] of [
      [instructor, 'instructor'],
      [student, 'student'],
      [classmate, 'student'],
    ] as const)
      await ctx.data.enrol(course.id, who.userId, role);
    return { course, version, exercise: `${course.slug}/${slug}`, instructor, student, classmate };
  }

  const solution = (text = 'print("hi")\n') => ({ 'solution.py': text });

  /** Stores a finished grading run as the worker does, so reads have a result to show. */
  async function graded(submissionId: string, run = 1) {
    await ctx.prisma.gradingResult.create({
      data: {
        submissionId,
        run,
        verdict: 'ok',
        score: 1,
        maxScore: 2,
        stdout: '',
        stderr: '',
        flags: [],
        report: {},
        tests: {
          create: [
            {
              position: 1,
              name: 'hidden one',
              score: 0,
              maxScore: 1,
              passed: false,
              message: 'kept a reference',
              hidden: true,
              detail: 'held by _cache',
              measurements: { refcount_delta: 1 },
            },
            { position: 0, name: `visible of run ${run}`, score: 1, maxScore: 1, passed: true, message: 'fine', hidden: false, detail: 'instructor note', measurements: {} },
          ],
        },
      },
    });
    await ctx.prisma.submission.update({ where: { id: submissionId }, data: { status: 'graded', verdict: 'ok', score: 1, finishedAt: new Date() } });
  }

  it('stores a new submission as queued with its files and queues one grading job named by its id', async () => {
    const { exercise, version, student } = await newClass();
    const created = await submissions.create(student.principal, { exercise, files: solution() });
    expect(created).toMatchObject({ status: 'queued', replayed: false });

    const row = await ctx.prisma.submission.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({
      userId: student.userId,
      apiKeyId: student.principal.keyId,
      exerciseVersionId: version.id,
      files: solution(),
      maxScore: 1,
      jobId: created.id,
      attempts: 0,
    });
    const job = await ctx.queue(GRADING_QUEUE).getJob(created.id);
    expect(job).toMatchObject({ name: GradingJob.grade, data: { submissionId: created.id, reason: 'submitted' }, opts: { priority: 1 } });
    // A job with a priority waits in BullMQ's "prioritized" set (the student's first try: priority 1).
    expect(await job!.getState()).toBe('prioritized');
  });

  it('refuses files the exercise does not expect by field, and stores nothing', async () => {
    const { exercise, student } = await newClass();
    const before = await ctx.prisma.submission.count({ where: { userId: student.userId } });
    await expect(submissions.create(student.principal, { exercise, files: { 'other.py': 'x = 1\n' } })).rejects.toMatchObject({
      constructor: InvalidInputError,
      problems: expect.arrayContaining([{ field: 'files.solution.py', reason: 'is required by this exercise' }]),
    });
    expect(await ctx.prisma.submission.count({ where: { userId: student.userId } })).toBe(before);
  });

  it('answers a repeated Idempotency-Key with the first submission, and refuses it for a different body', async () => {
    const { exercise, student } = await newClass();
    const first = await submissions.create(student.principal, { exercise, files: solution() }, 'attempt-1');
    const again = await submissions.create(student.principal, { exercise, files: solution() }, 'attempt-1');
    expect(again).toEqual({ id: first.id, status: 'queued', replayed: true });
    await expect(submissions.create(student.principal, { exercise, files: solution('print(2)\n') }, 'attempt-1')).rejects.toBeInstanceOf(ConflictError);
    await expect(submissions.create(student.principal, { exercise, files: solution() }, 'has spaces')).rejects.toMatchObject({ problems: [{ field: 'Idempotency-Key' }] });
    expect(await ctx.prisma.submission.count({ where: { userId: student.userId } })).toBe(1);
  });

  it('creates one submission when requests with one Idempotency-Key arrive at once', async () => {
    const { exercise, student } = await newClass();
    const racing = await Promise.all(Array.from({ length: 6 }, () => submissions.create(student.principal, { exercise, files: solution() }, 'same-key')));
    expect(new Set(racing.map((r) => r.id)).size).toBe(1);
    expect(racing.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await ctx.prisma.submission.count({ where: { userId: student.userId } })).toBe(1);
  });

  it('takes an lms key submission for the LMS student it names, and only lms keys may name one', async () => {
    const { course, exercise, student } = await newClass();
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    const { student: lmsStudent } = await ctx.get(CoursesService).ensureLmsStudent(lms.principal, course.slug, { externalId: 'lms-7', displayName: 'Seven' });

    const created = await submissions.create(lms.principal, { exercise, files: solution(), student: 'lms-7' });
    expect((await ctx.prisma.submission.findUniqueOrThrow({ where: { id: created.id } })).userId).toBe(lmsStudent.id);
    await expect(submissions.create(lms.principal, { exercise, files: solution() })).rejects.toMatchObject({ problems: [{ field: 'student' }] });
    await expect(submissions.create(student.principal, { exercise, files: solution(), student: 'lms-7' })).rejects.toMatchObject({ problems: [{ field: 'student' }] });
    await expect(submissions.create(lms.principal, { exercise, files: solution(), student: 'nobody' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('shows the latest run to its student with hidden tests by score and pass/fail only, all of it to staff, and nothing to a classmate', async () => {
    const { exercise, student, classmate, instructor } = await newClass();
    const { id } = await submissions.create(student.principal, { exercise, files: solution() });
    await graded(id, 1);
    await graded(id, 2);

    const own = await submissions.get(student.principal, id);
    expect(own).toMatchObject({ id, exercise, status: 'graded', score: 1, maxScore: 1 });
    expect(own.tests).toEqual([
      { name: 'visible of run 2', passed: true, hidden: false, score: 1, maxScore: 1, message: 'fine', measurements: {} },
      // A hidden test shows its score and pass/fail under a neutral name, never its message or detail.
      { name: 'Hidden test 1', passed: false, hidden: true, score: 0, maxScore: 1 },
    ]);
    const staff = await submissions.get(instructor.principal, id);
    expect(staff.tests[1]).toMatchObject({ hidden: true, detail: 'held by _cache', message: 'kept a reference', measurements: { refcount_delta: 1 } });
    await expect(submissions.get(classmate.principal, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(submissions.get(student.principal, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('re-reads for a status stream (what it opened with known) the view a first read gives, fresh, and nothing once the reader may no longer see it', async () => {
    const { course, exercise, student, classmate, instructor } = await newClass();
    const { id } = await submissions.create(student.principal, { exercise, files: solution() });
    const { submission: opened } = await submissions.findReadable(student.principal, id);
    const first = await submissions.get(student.principal, id, opened);
    expect(first).toEqual(await submissions.get(student.principal, id));
    await graded(id, 1);
    // The status, the latest run and a deadline set since the stream opened are read again.
    await ctx.prisma.exerciseDeadline.create({ data: { exerciseId: opened.exerciseVersion.exercise.id, dueAt: new Date(Date.now() - 60_000), latePolicy: 'marked' } });
    const reread = await submissions.get(student.principal, id, opened);
    expect(reread).toEqual(await submissions.get(student.principal, id));
    expect(reread).toMatchObject({ status: 'graded', score: 1, tests: [expect.objectContaining({ name: 'visible of run 1' }), expect.anything()] });
    expect(reread.lateness).not.toEqual(first.lateness);
    const { submission: openedByStaff } = await submissions.findReadable(instructor.principal, id);
    expect(await submissions.get(instructor.principal, id, openedByStaff)).toEqual(await submissions.get(instructor.principal, id));
    // A reader who left the course since (a staff member unenrolled) no longer sees it; a classmate never did.
    await ctx.prisma.enrolment.deleteMany({ where: { courseId: course.id, userId: instructor.userId } });
    await expect(submissions.get(instructor.principal, id, openedByStaff)).rejects.toBeInstanceOf(NotFoundError);
    await expect(submissions.get(classmate.principal, id, opened)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists a student their own submissions and an instructor the whole course, newest first, page by page', async () => {
    const { course, exercise, student, classmate, instructor } = await newClass();
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push((await submissions.create(student.principal, { exercise, files: solution(`print(${i})\n`) })).id);
    const theirs = (await submissions.create(classmate.principal, { exercise, files: solution() })).id;

    const own = await submissions.list(student.principal, { course: course.slug });
    expect(own.items.map((s) => s.id)).toEqual([...mine].reverse());
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await submissions.list(instructor.principal, { course: course.slug, limit: 2, cursor });
      pages.push(page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2]);
    expect(pages.flat()).toEqual([theirs, ...[...mine].reverse()]);
    await expect(submissions.list(student.principal, { course: course.slug, student: classmate.userId })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('regrades a finished submission under the next job id, refuses one still being graded, and lets only staff do it', async () => {
    const { course, version, exercise, student, instructor } = await newClass();
    const { id } = await submissions.create(student.principal, { exercise, files: solution() });
    await expect(submissions.regrade(instructor.principal, id)).rejects.toBeInstanceOf(ConflictError);
    await graded(id);
    await expect(submissions.regrade(student.principal, id)).rejects.toBeInstanceOf(ForbiddenError);

    expect(await submissions.regrade(instructor.principal, id)).toEqual({ id, status: 'queued' });
    expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'queued', jobId: `${id}_1`, sweeps: 0 });
    expect(await ctx.queue(GRADING_QUEUE).getJob(`${id}_1`)).toMatchObject({ data: { submissionId: id, reason: 'regrade' } });

    // A version regrade takes the finished ones only: this one is queued again, a second is graded.
    const other = (await submissions.create(student.principal, { exercise, files: solution('print(3)\n') })).id;
    await graded(other);
    const [, exerciseSlug] = exercise.split('/');
    const regrade = await ctx.get(RegradesService).start(instructor.principal, course.slug, exerciseSlug, version.number);
    expect(regrade).toMatchObject({ queued: 1, total: 1, pending: 1, regraded: 0, failed: 0, done: false, finishedAt: null, version: version.number });
    expect((await ctx.prisma.submission.findUniqueOrThrow({ where: { id: other } })).jobId).toBe(`${other}_1`);
    // The stored score stays on the submission while it waits: it is what the gradebook shows.
    expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id: other } })).toMatchObject({ status: 'queued', score: 1 });
    expect(await ctx.prisma.regradeItem.findMany({ where: { regradeId: regrade.id } })).toEqual([
      expect.objectContaining({ submissionId: other, state: 'pending', previousScore: 1 }),
    ]);
  });

  it("shows the code with a diff to the same student's previous submission of the exercise, none for the first, and nothing to a classmate", async () => {
    const { exercise, student, classmate, instructor } = await newClass();
    const first = (await submissions.create(student.principal, { exercise, files: solution('print(1)\n') })).id;
    await submissions.create(classmate.principal, { exercise, files: solution('print("other")\n') });
    const second = (await submissions.create(student.principal, { exercise, files: solution('print(2)\n') })).id;

    expect(await submissions.code(student.principal, first)).toMatchObject({ id: first, files: solution('print(1)\n'), previous: null, diff: null });
    const code = await submissions.code(instructor.principal, second);
    expect(code).toMatchObject({ id: second, exercise, studentId: student.userId, files: solution('print(2)\n'), previous: { id: first } });
    expect(code.diff).toHaveLength(1);
    expect(code.diff![0]).toMatchObject({ file: 'solution.py', status: 'changed' });
    await expect(submissions.code(classmate.principal, second)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists the regrades of a version newest first, and finds one only under its own version', async () => {
    const { course, version, exercise, student, instructor } = await newClass();
    const { id } = await submissions.create(student.principal, { exercise, files: solution() });
    await graded(id);
    const [, exerciseSlug] = exercise.split('/');
    const regrades = ctx.get(RegradesService);
    const first = await regrades.start(instructor.principal, course.slug, exerciseSlug, version.number);
    await ctx.prisma.submission.update({ where: { id }, data: { status: 'graded' } });
    const second = await regrades.start(instructor.principal, course.slug, exerciseSlug, version.number);

    expect((await regrades.list(instructor.principal, course.slug, exerciseSlug, version.number)).map((r) => r.id)).toEqual([second.id, first.id]);
    expect(await regrades.get(instructor.principal, course.slug, exerciseSlug, version.number, first.id)).toMatchObject({ id: first.id, total: 1, pending: 1, done: false });
    await expect(regrades.get(instructor.principal, course.slug, exerciseSlug, version.number + 1, first.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(regrades.get(instructor.principal, course.slug, exerciseSlug, version.number, '00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
    await expect(regrades.list(student.principal, course.slug, exerciseSlug, version.number)).rejects.toBeInstanceOf(ForbiddenError);
  });

  describe('SubmissionRepository', () => {
    it('reads a submission with its course and only its latest grading run with its tests; null for none', async () => {
      const { course, exercise, student } = await newClass();
      const { id } = await submissions.create(student.principal, { exercise, files: solution() });
      const repository = ctx.get(SubmissionRepository);
      expect((await repository.getWithLatestResult(id))?.results).toEqual([]);
      await graded(id, 1);
      await graded(id, 2);

      const read = await repository.getWithLatestResult(id);
      expect(read?.exerciseVersion.exercise.course.id).toBe(course.id);
      expect(read?.results.map((r) => r.run)).toEqual([2]);
      expect(read?.results[0].tests.map((t) => t.name).sort()).toEqual(['hidden one', 'visible of run 2']);
      expect(await repository.getWithLatestResult('00000000-0000-4000-8000-000000000000')).toBeNull();
    });
  });
});
