import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ExerciseSpec } from '../exercises/exercise-spec';
import { DomainEventType } from '../events/domain-events';
import { OutboxService } from '../events/outbox.service';
import { SubmissionEventsService } from '../events/submission-events.service';
import { flagSeverityOfRun } from '../results/flag-summary';
import { SubmissionGrader, type GradeOutcome } from '../results/grade-outcome';
import { parseOutputSections } from '../results/student-output';

export type GradeRunResult = 'graded' | 'skipped';

/** Moves a submission through running → graded and stores the result of its grader. */
@Injectable()
export class GradingService {
  private readonly logger = new Logger(GradingService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly grader: SubmissionGrader,
    private readonly events: SubmissionEventsService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Grades a submission that is queued or running (a retry). A graded or failed one is left alone,
   * so a duplicate job cannot overwrite a stored result; a regrade first puts it back to queued.
   * `uncountedStarts`: earlier starts of this job that an outage should not have counted but could
   * not give back (the database was gone); this start takes them back. An error thrown after the
   * start was recorded carries `gradingStarted: true`.
   */
  async grade(submissionId: string, uncountedStarts = 0): Promise<GradeRunResult> {
    const submission = await this.findForGrading(submissionId);
    if (!submission) {
      this.logger.warn({ submissionId }, 'submission no longer exists; nothing to grade');
      return 'skipped';
    }
    if (submission.status === 'graded' || submission.status === 'error') return 'skipped';

    const startedAt = new Date();
    await this.prisma.submission.update({
      where: { id: submissionId },
      data: { status: 'running', startedAt, attempts: { increment: 1 - uncountedStarts }, errorReason: null },
    });
    try {
      return await this.run(submission, startedAt);
    } catch (error) {
      if (error && typeof error === 'object') Object.assign(error, { gradingStarted: true });
      throw error;
    }
  }

  private async run(submission: NonNullable<Awaited<ReturnType<typeof this.findForGrading>>>, startedAt: Date): Promise<GradeRunResult> {
    const submissionId = submission.id;
    await this.events.publish({ submissionId, status: 'running' });
    const version = submission.exerciseVersion;
    const outcome = await this.grader.grade({
      submissionId,
      exerciseSlug: version.exercise.slug,
      referenceFigures: (version.referencePeaks ?? {}) as Record<string, unknown>,
      spec: version.spec as unknown as ExerciseSpec,
      exerciseFiles: version.files as Record<string, string>,
      studentFiles: submission.files as Record<string, string>,
    });
    const eventId = await this.store(submissionId, outcome, startedAt);
    // Live status, webhooks and the LMS score follow from the event stored with the result.
    this.outbox.dispatchSoon(eventId);
    return 'graded';
  }

  private findForGrading(submissionId: string) {
    return this.prisma.submission.findUnique({ where: { id: submissionId }, include: { exerciseVersion: { include: { exercise: true } } } });
  }

  /**
   * A grading attempt failed and will be retried: the submission reads `queued` again, with the
   * reason in errorReason, rather than `running` while it only waits. `refund` gives back the
   * attempt that was counted when it started (an infrastructure outage is not the student's).
   */
  async awaitRetry(submissionId: string, reason: string, refund = false): Promise<void> {
    const { count } = await this.prisma.submission.updateMany({
      where: { id: submissionId, status: 'running' },
      data: { status: 'queued', errorReason: reason.slice(0, 2000), ...(refund ? { attempts: { decrement: 1 } } : {}) },
    });
    if (count) await this.events.publish({ submissionId, status: 'queued' });
  }

  /**
   * Ends a submission that cannot be graded, with the reason, so it never stays queued or running.
   * One that already has a stored result (a regrade, or a sweep of one) goes back to `graded` with
   * that result: a regrade that cannot finish never takes a grade away. Either way its pending
   * regrade items are marked failed with the reason.
   */
  async fail(submissionId: string, reason: string): Promise<void> {
    const why = reason.slice(0, 2000);
    const finishedAt = new Date();
    const status = await this.prisma.$transaction(async (tx) => {
      const kept = await tx.submission.updateMany({
        where: { id: submissionId, status: { in: ['queued', 'running'] }, score: { not: null } },
        data: { status: 'graded', errorReason: `grading it again failed, so its earlier result stands: ${why}`.slice(0, 2000) },
      });
      const ended = kept.count
        ? 0
        : (await tx.submission.updateMany({ where: { id: submissionId, status: { in: ['queued', 'running'] } }, data: { status: 'error', errorReason: why, finishedAt } })).count;
      if (!kept.count && !ended) return null;
      await tx.regradeItem.updateMany({ where: { submissionId, state: 'pending' }, data: { state: 'failed', reason: why, finishedAt } });
      return kept.count ? ('graded' as const) : ('error' as const);
    });
    if (status) await this.events.publish({ submissionId, status });
  }

  /**
   * Stores one grading run and its tests, the submission's new score and the submission.graded
   * event (its id is returned), atomically: the event exists exactly when the result does.
   */
  private async store(submissionId: string, outcome: GradeOutcome, startedAt: Date): Promise<string> {
    const score = outcome.tests.reduce((sum, test) => sum + test.score, 0);
    const maxScore = outcome.tests.reduce((sum, test) => sum + test.maxScore, 0);
    const finishedAt = new Date();
    return this.prisma.$transaction(async (tx) => {
      const last = await tx.gradingResult.findFirst({ where: { submissionId }, orderBy: { run: 'desc' }, select: { run: true } });
      const run = (last?.run ?? 0) + 1;
      await tx.gradingResult.create({
        data: {
          submissionId,
          run,
          verdict: outcome.verdict,
          score,
          maxScore,
          exitCode: outcome.exitCode,
          wallMs: outcome.wallMs,
          peakMemoryBytes: outcome.peakMemoryBytes === null ? null : BigInt(Math.round(outcome.peakMemoryBytes)),
          stdout: outcome.stdout,
          stderr: outcome.stderr,
          outputSections: (parseOutputSections(outcome.outputSections) ?? undefined) as object[] | undefined,
          flags: outcome.flags as object[],
          report: outcome.report as object,
          tests: {
            create: outcome.tests.map((test, position) => ({
              position,
              name: test.name,
              score: test.score,
              maxScore: test.maxScore,
              passed: test.passed,
              message: test.message,
              hidden: test.hidden,
              detail: test.detail,
              measurements: (test.measurements ?? {}) as object,
            })),
          },
        },
      });
      await tx.submission.update({
        where: { id: submissionId },
        data: {
          status: 'graded',
          verdict: outcome.verdict,
          score,
          errorReason: null,
          flagSeverity: flagSeverityOfRun(outcome.flags, outcome.tests),
          finishedAt,
          durationMs: finishedAt.getTime() - startedAt.getTime(),
        },
      });
      // The regrades waiting for this submission see it done, in the same step as the new score.
      await tx.regradeItem.updateMany({ where: { submissionId, state: 'pending' }, data: { state: 'regraded', score, finishedAt } });
      return this.outbox.record(tx, { type: DomainEventType.submissionGraded, submissionId, payload: { run, score } });
    });
  }
}
