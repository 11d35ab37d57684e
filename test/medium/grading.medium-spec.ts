import { ExerciseDefectError, type GradeInput, type GradeOutcome, InfrastructureError, SubmissionGrader } from '../../src/results/grade-outcome';
import { GradingService } from '../../src/grading/grading.service';
import { type SubmissionStatusEvent, SubmissionEventsService } from '../../src/events/submission-events.service';
import { WEBHOOKS_QUEUE } from '../../src/queue/queues';
import { RegradesService } from '../../src/submissions/regrades.service';
import { SubmissionsService } from '../../src/submissions/submissions.service';
import { WebhooksService } from '../../src/webhooks/webhooks.service';
import { waitUntil } from '../support/polling';
import { type MediumContext, startMedium } from './medium.factory';

/**
 * A grader that answers what a test tells it to, in the place of the sandbox. Grading itself —
 * running the harness in Docker and turning its frame into a GradeOutcome — is the sandbox's job,
 * tested for real in test/sandbox, test/submissions and test/catalog.
 */
class ScriptedGrader extends SubmissionGrader {
  readonly inputs: GradeInput[] = [];
  next: (input: GradeInput) => Promise<GradeOutcome> = async () => outcome();

  grade(input: GradeInput): Promise<GradeOutcome> {
    this.inputs.push(input);
    return this.next(input);
  }
}

function outcome(overrides: Partial<GradeOutcome> = {}): GradeOutcome {
  return {
    verdict: 'ok',
    tests: [
      { name: 'keeps no reference', score: 2, maxScore: 2, passed: true, message: 'no reference kept', hidden: false, measurements: { refcount_delta: 0 } },
      {
        name: 'hidden budget',
        score: 0,
        maxScore: 1,
        passed: false,
        message: 'over budget',
        hidden: true,
        detail: 'peak 41.2 MiB',
        measurements: { peak_mib: 41.2, limit_mib: 20, samples: [1, 2, 3] },
      },
    ],
    exitCode: 0,
    wallMs: 812,
    peakMemoryBytes: 43_200_000.4,
    stdout: 'out',
    stderr: '',
    flags: [{ kind: 'note' }],
    report: { harness: '1' },
    ...overrides,
  };
}

describe("GradingService storing what a stub grader in the sandbox's place returns (the sandbox is tested elsewhere)", () => {
  let ctx: MediumContext;
  let grading: GradingService;
  const grader = new ScriptedGrader();

  beforeAll(async () => {
    ctx = await startMedium({ grader });
    grading = ctx.get(GradingService);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  beforeEach(() => {
    grader.next = async () => outcome();
  });

  /** A submission as SubmissionsService stores it (queued, its job waiting on a queue nobody consumes). */
  async function newSubmission() {
    const course = await ctx.data.newCourse();
    const { slug, version, files } = await ctx.data.newExercise(course.id, 'imports', { peak_mib: 3 });
    const student = await ctx.newPrincipal('student');
    const instructor = await ctx.newPrincipal('instructor');
    await ctx.data.enrol(course.id, student.userId, 'student');
    await ctx.data.enrol(course.id, instructor.userId, 'instructor');
    const { id } = await ctx.get(SubmissionsService).create(student.principal, { exercise: `${course.slug}/${slug}`, files: { 'solution.py': 'print(1)\n' } });
    return { id, course, version, files, instructor };
  }

  it('marks the submission running while the grader works, then stores the run, its tests and the score as graded', async () => {
    const { id, version, files } = await newSubmission();
    let during: unknown;
    grader.next = async () => {
      during = await ctx.prisma.submission.findUniqueOrThrow({ where: { id }, select: { status: true, attempts: true, startedAt: true } });
      return outcome();
    };
    expect(await grading.grade(id)).toBe('graded');

    expect(during).toMatchObject({ status: 'running', attempts: 1, startedAt: expect.any(Date) });
    expect(grader.inputs.at(-1)).toEqual({
      submissionId: id,
      exerciseSlug: expect.stringMatching(/^imports-/),
      spec: version.spec,
      referenceFigures: { peak_mib: 3 },
      exerciseFiles: files,
      studentFiles: { 'solution.py': 'print(1)\n' },
    });
    const submission = await ctx.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(submission).toMatchObject({ status: 'graded', verdict: 'ok', score: 2, errorReason: null, attempts: 1, finishedAt: expect.any(Date) });
    expect(submission.durationMs).toBeGreaterThanOrEqual(0);
    const [run] = await ctx.prisma.gradingResult.findMany({ where: { submissionId: id }, include: { tests: { orderBy: { position: 'asc' } } } });
    expect(run).toMatchObject({
      run: 1,
      verdict: 'ok',
      score: 2,
      maxScore: 3,
      exitCode: 0,
      wallMs: 812,
      peakMemoryBytes: 43_200_000n,
      stdout: 'out',
      flags: [{ kind: 'note' }],
      report: { harness: '1' },
    });
    expect(
      run.tests.map(({ position, name, score, maxScore, passed, hidden, detail, measurements }) => ({ position, name, score, maxScore, passed, hidden, detail, measurements })),
    ).toEqual([
      { position: 0, name: 'keeps no reference', score: 2, maxScore: 2, passed: true, hidden: false, detail: null, measurements: { refcount_delta: 0 } },
      {
        position: 1,
        name: 'hidden budget',
        score: 0,
        maxScore: 1,
        passed: false,
        hidden: true,
        detail: 'peak 41.2 MiB',
        measurements: { peak_mib: 41.2, limit_mib: 20, samples: [1, 2, 3] },
      },
    ]);
  });

  it('publishes running and then graded with the score, for live status pages', async () => {
    const { id } = await newSubmission();
    const events: SubmissionStatusEvent[] = [];
    const stop = ctx.get(SubmissionEventsService).listen(id, (event) => events.push(event));
    try {
      // The subscriber connects on first listen; wait until a probe comes through before grading.
      await waitUntil(
        async () => {
          await ctx.get(SubmissionEventsService).publish({ submissionId: id, status: 'queued' });
          return events.length;
        },
        (n) => n > 0,
        { what: 'the status subscription' },
      );
      events.length = 0;
      await grading.grade(id);
      await waitUntil(
        async () => events.map((e) => e.status),
        (statuses) => statuses.includes('graded'),
        { what: 'the graded event' },
      );
      expect(events.filter((e) => e.status !== 'queued').map(({ status, score }) => ({ status, score }))).toEqual([
        { status: 'running', score: undefined },
        { status: 'graded', score: 2 },
      ]);
    } finally {
      stop();
    }
  });

  it('leaves a graded or failed submission alone, so a duplicate job cannot overwrite its result', async () => {
    const { id } = await newSubmission();
    await grading.grade(id);
    const calls = grader.inputs.length;
    expect(await grading.grade(id)).toBe('skipped');
    await grading.fail(id, 'too late');
    expect(grader.inputs.length).toBe(calls);
    expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'graded', errorReason: null, attempts: 1 });
    expect(await ctx.prisma.gradingResult.count({ where: { submissionId: id } })).toBe(1);
    expect(await grading.grade('00000000-0000-4000-8000-000000000000')).toBe('skipped');
  });

  it('stores a regrade as the next run and shows the submission with the newest score', async () => {
    const { id } = await newSubmission();
    await grading.grade(id);
    await ctx.prisma.submission.update({ where: { id }, data: { status: 'queued' } });
    grader.next = async () =>
      outcome({ verdict: 'memory_limit', exitCode: 137, tests: [{ name: 'only', score: 0, maxScore: 3, passed: false, message: 'killed', hidden: false }] });
    await grading.grade(id);

    const runs = await ctx.prisma.gradingResult.findMany({ where: { submissionId: id }, orderBy: { run: 'asc' } });
    expect(runs.map((r) => [r.run, r.verdict, r.score])).toEqual([
      [1, 'ok', 2],
      [2, 'memory_limit', 0],
    ]);
    expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'graded', verdict: 'memory_limit', score: 0, attempts: 2 });
  });

  it('keeps the stored result through a version regrade until the new run is stored, and counts it on the regrade', async () => {
    const { id, course, version, instructor } = await newSubmission();
    await grading.grade(id);
    const exerciseSlug = (await ctx.prisma.exercise.findFirstOrThrow({ where: { courseId: course.id } })).slug;
    const regrade = await ctx.get(RegradesService).start(instructor.principal, course.slug, exerciseSlug, version.number);
    expect(regrade).toMatchObject({ total: 1, pending: 1, regraded: 0, failed: 0, done: false });

    // While the new run is being graded, the submission still has its stored score and run.
    let during: unknown;
    grader.next = async () => {
      during = await ctx.prisma.submission.findUniqueOrThrow({ where: { id }, select: { status: true, score: true, verdict: true } });
      return outcome({ tests: [{ name: 'only', score: 1, maxScore: 3, passed: false, message: 'partly', hidden: false }] });
    };
    await grading.grade(id);
    expect(during).toEqual({ status: 'running', score: 2, verdict: 'ok' });
    expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'graded', score: 1 });
    expect(await ctx.get(RegradesService).get(instructor.principal, course.slug, exerciseSlug, version.number, regrade.id)).toMatchObject({
      total: 1,
      pending: 0,
      regraded: 1,
      failed: 0,
      done: true,
      finishedAt: expect.any(String),
    });
    expect(await ctx.prisma.regradeItem.findFirstOrThrow({ where: { regradeId: regrade.id } })).toMatchObject({ state: 'regraded', previousScore: 2, score: 1 });
  });

  it('gives a submission whose regrade cannot finish its earlier result back, as graded, and counts the regrade item failed', async () => {
    const { id, course, version, instructor } = await newSubmission();
    await grading.grade(id);
    const exerciseSlug = (await ctx.prisma.exercise.findFirstOrThrow({ where: { courseId: course.id } })).slug;
    const regrade = await ctx.get(RegradesService).start(instructor.principal, course.slug, exerciseSlug, version.number);
    await grading.fail(id, 'grading was lost 4 times');
    const after = await ctx.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: 'graded', score: 2, verdict: 'ok' });
    expect(after.errorReason).toBe('grading it again failed, so its earlier result stands: grading was lost 4 times');
    expect(await ctx.prisma.gradingResult.count({ where: { submissionId: id } })).toBe(1);
    expect(await ctx.get(RegradesService).get(instructor.principal, course.slug, exerciseSlug, version.number, regrade.id)).toMatchObject({
      total: 1,
      pending: 0,
      regraded: 0,
      failed: 1,
      done: true,
    });
    expect(await ctx.prisma.regradeItem.findFirstOrThrow({ where: { regradeId: regrade.id } })).toMatchObject({ state: 'failed', reason: 'grading was lost 4 times' });
  });

  it('keeps a submission running, with no result, when the grader fails for the platform (the queue retries it)', async () => {
    const { id } = await newSubmission();
    grader.next = async () => {
      throw new InfrastructureError('docker engine not answering');
    };
    await expect(grading.grade(id)).rejects.toBeInstanceOf(InfrastructureError);
    expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'running', attempts: 1, score: null });
    expect(await ctx.prisma.gradingResult.count({ where: { submissionId: id } })).toBe(0);

    grader.next = async () => outcome();
    expect(await grading.grade(id)).toBe('graded');
    expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'graded', attempts: 2 });
  });

  it('ends a submission that cannot be graded as error with its reason, cut to 2000 characters', async () => {
    const { id } = await newSubmission();
    grader.next = async () => {
      throw new ExerciseDefectError('bad plan');
    };
    await expect(grading.grade(id)).rejects.toBeInstanceOf(ExerciseDefectError);
    await grading.fail(id, `the exercise is broken: ${'x'.repeat(3000)}`);
    const ended = await ctx.prisma.submission.findUniqueOrThrow({ where: { id } });
    expect(ended).toMatchObject({ status: 'error', finishedAt: expect.any(Date) });
    expect(ended.errorReason).toHaveLength(2000);
    expect(ended.errorReason!.startsWith('the exercise is broken: ')).toBe(true);
  });

  it('queues one webhook delivery per endpoint of the course, carrying the staff view of the stored result', async () => {
    const { id, course, instructor } = await newSubmission();
    const endpoint = await ctx.get(WebhooksService).register(instructor.principal, course.slug, { url: 'https://lms.example.edu/graded' });
    await grading.grade(id);

    // The relay hands the stored event to the webhooks subscriber just after the commit.
    const [delivery] = await waitUntil(
      () => ctx.prisma.webhookDelivery.findMany({ where: { submissionId: id } }),
      (rows) => rows.length > 0,
      { what: 'the delivery' },
    );
    expect(delivery).toMatchObject({ endpointId: endpoint.id, event: 'submission.graded', status: 'pending' });
    expect(delivery.payload).toMatchObject({
      id: delivery.id,
      event: 'submission.graded',
      data: { course: course.slug, submission: { id, status: 'graded', score: 2, tests: [{ name: 'keeps no reference' }, { name: 'hidden budget', detail: 'peak 41.2 MiB' }] } },
    });
    // The row is stored before its job is queued (webhook-dispatcher.ts): wait for the job, not only the row.
    const job = await waitUntil(
      () => ctx.queue(WEBHOOKS_QUEUE).getJob(delivery.id),
      (found) => found !== undefined,
      { what: 'the delivery job' },
    );
    expect(job).toMatchObject({ data: { deliveryId: delivery.id } });
  });
});
