import { randomUUID } from 'node:crypto';
import { DomainEventType } from '../../src/events/domain-events';
import { OutboxService } from '../../src/events/outbox.service';
import type { SubmissionStatus } from '../../src/generated/prisma/enums';
import type { ValidationOutcome } from '../../src/grading/exercise-validation';
import { ExerciseValidationRepository } from '../../src/grading/exercise-validation.repository';
import { GradingRunRepository, type RunToStore } from '../../src/grading/grading-run.repository';
import type { GradeOutcome } from '../../src/results/grade-outcome';
import { type MediumContext, startMedium } from './medium.factory';

/**
 * The worker's queries (grading/*.repository.ts) on a real database: what GradingService and the
 * sweeper depend on beyond what grading.medium-spec.ts shows through GradingService — that a run, its
 * tests, the score and the outbox event are one transaction, and that the sweeper's queries see
 * only the rows they are meant to. Rows of other spec files stay in this database: every query here
 * is narrowed to this spec's rows (by id, or by times long past that only this spec writes).
 */
describe('the grading repositories', () => {
  let ctx: MediumContext;
  let runs: GradingRunRepository;
  let versions: ExerciseValidationRepository;
  let outbox: OutboxService;

  beforeAll(async () => {
    ctx = await startMedium();
    runs = ctx.get(GradingRunRepository);
    // Not wired by the medium factory (only the worker's GradingModule provides it); it needs only Prisma.
    versions = new ExerciseValidationRepository(ctx.prisma);
    outbox = ctx.get(OutboxService);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  /** An exercise version of a fresh course, and a way to add submissions of it in any state. */
  async function newVersion() {
    const course = await ctx.data.newCourse();
    const { exercise, version } = await ctx.data.newExercise(course.id, 'imports');
    const student = await ctx.data.newUser('student');
    const submission = (data: { status?: SubmissionStatus; score?: number; updatedAt?: Date } = {}) =>
      ctx.prisma.submission.create({ data: { exerciseVersionId: version.id, userId: student.id, files: { 'solution.py': 'print(1)\n' }, maxScore: 3, ...data } });
    return { exercise, version, submission };
  }

  const outcome: GradeOutcome = {
    verdict: 'ok',
    tests: [
      { name: 'first', score: 2, maxScore: 2, passed: true, message: 'fine', hidden: false, measurements: { refcount_delta: 0 } },
      { name: 'second', score: 0, maxScore: 1, passed: false, message: 'over', hidden: true, detail: 'peak 41 MiB' },
    ],
    exitCode: 0,
    wallMs: 20,
    peakMemoryBytes: 1_000.6,
    stdout: 'out',
    stderr: '',
    flags: [],
    report: {},
  };

  function runToStore(submissionId: string, startedAt: Date): RunToStore {
    return { submissionId, outcome, outputSections: null, score: 2, maxScore: 3, flagSeverity: null, startedAt, finishedAt: new Date(startedAt.getTime() + 250) };
  }

  const recordGraded = (submissionId: string) => (tx: Parameters<OutboxService['record']>[0], run: number) =>
    outbox.record(tx, { type: DomainEventType.submissionGraded, submissionId, payload: { run, score: 2 } });

  describe('storeRun', () => {
    it('stores the run with its tests, the graded submission, its regrade items and the outbox event together', async () => {
      const { version, submission } = await newVersion();
      const { id } = await submission({ status: 'running' });
      const regrade = await ctx.prisma.regrade.create({ data: { exerciseVersionId: version.id, items: { create: [{ submissionId: id, previousScore: 1 }] } } });
      const startedAt = new Date(Date.now() - 1_000);

      const eventId = await runs.storeRun(runToStore(id, startedAt), recordGraded(id));

      const [run] = await ctx.prisma.gradingResult.findMany({ where: { submissionId: id }, include: { tests: { orderBy: { position: 'asc' } } } });
      expect(run).toMatchObject({ run: 1, verdict: 'ok', score: 2, maxScore: 3, peakMemoryBytes: 1_001n, outputSections: null });
      expect(run.tests.map(({ position, name, detail, measurements }) => ({ position, name, detail, measurements }))).toEqual([
        { position: 0, name: 'first', detail: null, measurements: { refcount_delta: 0 } },
        { position: 1, name: 'second', detail: 'peak 41 MiB', measurements: {} },
      ]);
      expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'graded', score: 2, verdict: 'ok', errorReason: null, durationMs: 250 });
      expect(await ctx.prisma.regradeItem.findUniqueOrThrow({ where: { regradeId_submissionId: { regradeId: regrade.id, submissionId: id } } })).toMatchObject({
        state: 'regraded',
        score: 2,
      });
      expect(await ctx.prisma.outboxEvent.findUniqueOrThrow({ where: { id: eventId } })).toMatchObject({
        type: DomainEventType.submissionGraded,
        submissionId: id,
        payload: { run: 1, score: 2 },
      });
    });

    it('numbers a further run of the same submission after the last, and its event carries that number', async () => {
      const { submission } = await newVersion();
      const { id } = await submission({ status: 'running' });
      await runs.storeRun(runToStore(id, new Date()), recordGraded(id));
      const second = await runs.storeRun(runToStore(id, new Date()), recordGraded(id));
      expect((await ctx.prisma.gradingResult.findMany({ where: { submissionId: id }, orderBy: { run: 'asc' } })).map((r) => r.run)).toEqual([1, 2]);
      expect(await ctx.prisma.outboxEvent.findUniqueOrThrow({ where: { id: second } })).toMatchObject({ payload: { run: 2, score: 2 } });
    });

    it('stores nothing at all when the event cannot be stored: no run, no tests, no score, no regrade change, no event', async () => {
      const { version, submission } = await newVersion();
      const { id } = await submission({ status: 'running' });
      await ctx.prisma.regrade.create({ data: { exerciseVersionId: version.id, items: { create: [{ submissionId: id }] } } });
      let recorded: string | undefined;
      const failing = async (tx: Parameters<OutboxService['record']>[0], run: number) => {
        recorded = await recordGraded(id)(tx, run);
        throw new Error('the connection broke after the event');
      };

      await expect(runs.storeRun(runToStore(id, new Date()), failing)).rejects.toThrow('the connection broke after the event');

      expect(recorded).toEqual(expect.any(String));
      expect(await ctx.prisma.outboxEvent.count({ where: { id: recorded } })).toBe(0);
      expect(await ctx.prisma.gradingResult.count({ where: { submissionId: id } })).toBe(0);
      expect(await ctx.prisma.testResult.count({ where: { gradingResult: { submissionId: id } } })).toBe(0);
      expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'running', score: null, verdict: null });
      expect(await ctx.prisma.regradeItem.findFirstOrThrow({ where: { submissionId: id } })).toMatchObject({ state: 'pending', score: null });
    });
  });

  describe('the lifecycle writes', () => {
    it('puts a running submission back to wait with its reason, giving its start back only when asked, and leaves any other alone', async () => {
      const { submission } = await newVersion();
      const { id } = await submission({ status: 'queued' });
      await runs.markRunning(id, new Date(), 0);
      await runs.markRunning(id, new Date(), 0);
      expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'running', attempts: 2 });

      expect(await runs.putBackToWait(id, `docker is down: ${'x'.repeat(3000)}`, true)).toBe(true);
      const waiting = await ctx.prisma.submission.findUniqueOrThrow({ where: { id } });
      expect(waiting).toMatchObject({ status: 'queued', attempts: 1 });
      expect(waiting.errorReason).toHaveLength(2000);
      expect(await runs.putBackToWait(id, 'again', true)).toBe(false);
      expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'queued', attempts: 1 });

      // A start that takes back one the outage could not give back counts nothing, and clears the reason.
      await runs.markRunning(id, new Date(), 1);
      expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'running', attempts: 1, errorReason: null });
    });

    it('ends an ungradable submission as error, one with a score as graded, and a finished one not at all', async () => {
      const { submission } = await newVersion();
      const fresh = await submission({ status: 'running' });
      const scored = await submission({ status: 'queued', score: 2 });
      const done = await submission({ status: 'graded', score: 1 });
      const finishedAt = new Date();
      expect(await runs.endUngradable(fresh.id, 'bad plan', finishedAt)).toBe('error');
      expect(await runs.endUngradable(scored.id, 'lost', finishedAt)).toBe('graded');
      expect(await runs.endUngradable(done.id, 'late', finishedAt)).toBeNull();
      expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id: fresh.id } })).toMatchObject({ status: 'error', errorReason: 'bad plan', finishedAt });
      expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id: scored.id } })).toMatchObject({
        status: 'graded',
        score: 2,
        errorReason: 'grading it again failed, so its earlier result stands: lost',
      });
      expect(await ctx.prisma.submission.findUniqueOrThrow({ where: { id: done.id } })).toMatchObject({ status: 'graded', errorReason: null });
    });
  });

  describe("the sweeper's queries", () => {
    // Times long past, written only by this spec, so other spec files' rows never fall in the window.
    const cutoff = new Date('2001-01-02T00:00:00Z');
    const before = new Date('2001-01-01T00:00:00Z');
    const after = new Date('2001-01-03T00:00:00Z');

    it('sees only queued or running submissions unchanged since the cutoff, with what the sweeper decides by', async () => {
      const { version, submission } = await newVersion();
      const staleQueued = await submission({ status: 'queued' });
      const staleRunning = await submission({ status: 'running' });
      const recentQueued = await submission({ status: 'queued' });
      const staleGraded = await submission({ status: 'graded', score: 1 });
      const staleError = await submission({ status: 'error' });
      const ids = [staleQueued, staleRunning, recentQueued, staleGraded, staleError].map((s) => s.id);
      for (const id of ids) await ctx.prisma.submission.update({ where: { id }, data: { updatedAt: id === recentQueued.id ? after : before } });
      await ctx.prisma.submission.update({ where: { id: staleRunning.id }, data: { jobId: staleRunning.id, sweeps: 2, startedAt: before, updatedAt: before } });
      expect((await ctx.prisma.submission.findUniqueOrThrow({ where: { id: staleQueued.id } })).updatedAt).toEqual(before);

      const found = (await runs.unfinishedUnchangedSince(cutoff)).filter((row) => ids.includes(row.id));

      expect(found.map((row) => row.id).sort()).toEqual([staleQueued.id, staleRunning.id].sort());
      expect(found.find((row) => row.id === staleRunning.id)).toEqual({
        id: staleRunning.id,
        jobId: staleRunning.id,
        sweeps: 2,
        status: 'running',
        startedAt: before,
        exerciseVersion: { spec: version.spec },
      });
    });

    it('tells whether a submission is still unfinished (queued or running), and not for one that does not exist', async () => {
      const { submission } = await newVersion();
      const states: SubmissionStatus[] = ['queued', 'running', 'graded', 'error'];
      const made = await Promise.all(states.map((status) => submission({ status })));
      expect(await Promise.all(made.map((s) => runs.isUnfinished(s.id)))).toEqual([true, true, false, false]);
      expect(await runs.isUnfinished(randomUUID())).toBe(false);
    });

    it('sees only versions still pending that were made before the cutoff', async () => {
      const { exercise, version } = await newVersion();
      const make = (number: number, status: 'pending' | 'valid' | 'invalid', createdAt: Date) =>
        ctx.prisma.exerciseVersion.create({
          data: { exerciseId: exercise.id, number, contentHash: randomUUID(), spec: version.spec as object, files: {}, maxScore: 1, status, createdAt },
        });
      const stalePending = await make(2, 'pending', before);
      const recentPending = await make(3, 'pending', after);
      const staleValid = await make(4, 'valid', before);
      const staleInvalid = await make(5, 'invalid', before);
      const mine = [stalePending, recentPending, staleValid, staleInvalid].map((v) => v.id);

      expect((await versions.pendingCreatedBefore(cutoff)).filter((id) => mine.includes(id))).toEqual([stalePending.id]);
    });
  });

  describe('the validation writes', () => {
    const outcomeOf = (status: 'valid' | 'invalid'): ValidationOutcome => ({
      status,
      report: { checkedAt: new Date().toISOString(), durationMs: 5, problems: status === 'valid' ? [] : ['the starter earns full marks'] },
      referenceFigures: { 'lookup-rss': { peak_mib: 3 } },
    });

    async function pendingVersion(number: number) {
      const { exercise, version } = await newVersion();
      const make = (n: number) =>
        ctx.prisma.exerciseVersion.create({ data: { exerciseId: exercise.id, number: n, contentHash: randomUUID(), spec: version.spec as object, files: {}, maxScore: 1 } });
      return { exercise, current: version, pending: await make(number), make };
    }

    it('makes a valid version current (with its title) when it is newer than the current one, in the step that stores its outcome', async () => {
      const { exercise, pending } = await pendingVersion(2);
      await versions.storeProgress(pending.id, [{ name: 'reference', state: 'running' }]);
      expect((await ctx.prisma.exerciseVersion.findUniqueOrThrow({ where: { id: pending.id } })).validation).toEqual({
        inProgress: true,
        steps: [{ name: 'reference', state: 'running' }],
      });

      await versions.recordOutcome(pending, outcomeOf('valid'), 'A newer title');

      expect(await ctx.prisma.exerciseVersion.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({
        status: 'valid',
        validation: { problems: [] },
        referencePeaks: { 'lookup-rss': { peak_mib: 3 } },
      });
      expect(await ctx.prisma.exercise.findUniqueOrThrow({ where: { id: exercise.id } })).toMatchObject({ currentVersionId: pending.id, title: 'A newer title' });
      // A version no longer pending keeps its outcome: progress arriving late is not stored.
      await versions.storeProgress(pending.id, []);
      expect(await ctx.prisma.exerciseVersion.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ validation: { problems: [] } });
    });

    it('leaves the current version alone for a valid older version and for an invalid one', async () => {
      const { exercise, current, pending, make } = await pendingVersion(3);
      await versions.recordOutcome(pending, outcomeOf('valid'), 'Version three');
      const older = await make(2);
      await versions.recordOutcome(older, outcomeOf('valid'), 'Version two');
      const newerInvalid = await make(4);
      await versions.recordOutcome(newerInvalid, outcomeOf('invalid'), 'Version four');

      expect(current.number).toBe(1);
      expect(await ctx.prisma.exercise.findUniqueOrThrow({ where: { id: exercise.id } })).toMatchObject({ currentVersionId: pending.id, title: 'Version three' });
      expect(await ctx.prisma.exerciseVersion.findUniqueOrThrow({ where: { id: newerInvalid.id } })).toMatchObject({ status: 'invalid' });
    });

    it('ends only a pending version as invalid with the problem', async () => {
      const { current, pending } = await pendingVersion(2);
      const checkedAt = new Date('2026-01-01T00:00:00Z');
      await versions.markPendingInvalid(pending.id, 'validation could not run: lost', checkedAt);
      await versions.markPendingInvalid(current.id, 'validation could not run: lost', checkedAt);
      expect(await ctx.prisma.exerciseVersion.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({
        status: 'invalid',
        validation: { checkedAt: '2026-01-01T00:00:00.000Z', problems: ['validation could not run: lost'] },
      });
      expect(await ctx.prisma.exerciseVersion.findUniqueOrThrow({ where: { id: current.id } })).toMatchObject({ status: 'valid' });
    });
  });
});
