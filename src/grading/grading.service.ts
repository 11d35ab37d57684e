import { Injectable, Logger } from '@nestjs/common';
import type { ExerciseSpec } from '../exercises/exercise-spec';
import { DomainEventType, type NewDomainEvent } from '../events/domain-events';
import { OutboxService } from '../events/outbox.service';
import { SubmissionEventsService } from '../events/submission-events.service';
import { flagSeverityOfRun } from '../results/flag-summary';
import { SubmissionGrader, type GradeOutcome } from '../results/grade-outcome';
import { parseOutputSections } from '../results/student-output';
import { GradingRunRepository, type SubmissionToGrade } from './grading-run.repository';

export type GradeRunResult = 'graded' | 'skipped';

/** Moves a submission through running → graded and stores the result of its grader. */
@Injectable()
export class GradingService {
  private readonly logger = new Logger(GradingService.name);

  constructor(
    private readonly runs: GradingRunRepository,
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
    const submission = await this.runs.findToGrade(submissionId);
    if (!submission) {
      this.logger.warn({ submissionId }, 'submission no longer exists; nothing to grade');
      return 'skipped';
    }
    if (submission.status === 'graded' || submission.status === 'error') return 'skipped';

    const startedAt = new Date();
    await this.runs.markRunning(submissionId, startedAt, uncountedStarts);
    try {
      return await this.run(submission, startedAt);
    } catch (error) {
      if (error && typeof error === 'object') Object.assign(error, { gradingStarted: true });
      throw error;
    }
  }

  private async run(submission: SubmissionToGrade, startedAt: Date): Promise<GradeRunResult> {
    const submissionId = submission.id;
    // Not awaited: the grading need not wait for Redis. It never throws, and commands on one
    // connection go out in order, so "running" still precedes the "graded" published after the store.
    void this.events.publish({ submissionId, status: 'running' });
    const version = submission.exerciseVersion;
    const outcome = await this.grader.grade({
      submissionId,
      exerciseSlug: version.exercise.slug,
      referenceFigures: (version.referencePeaks ?? {}) as Record<string, unknown>,
      spec: version.spec as unknown as ExerciseSpec,
      exerciseFiles: version.files as Record<string, string>,
      studentFiles: submission.files as Record<string, string>,
    });
    const { eventId, event } = await this.store(submissionId, outcome, startedAt);
    // Live status, webhooks and the LMS score follow from the event stored with the result.
    this.outbox.dispatchSoon(eventId, event);
    return 'graded';
  }

  /**
   * A grading attempt failed and will be retried: the submission reads `queued` again, with the
   * reason in errorReason, rather than `running` while it only waits. `refund` gives back the
   * attempt that was counted when it started (an infrastructure outage is not the student's).
   */
  async awaitRetry(submissionId: string, reason: string, refund = false): Promise<void> {
    if (await this.runs.putBackToWait(submissionId, reason, refund)) await this.events.publish({ submissionId, status: 'queued' });
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
    const status = await this.runs.endUngradable(submissionId, why, finishedAt);
    if (status) await this.events.publish({ submissionId, status });
  }

  /**
   * Stores one grading run and its tests, the submission's new score and the submission.graded
   * event (its id and content are returned), atomically: the event exists exactly when the result does.
   */
  private async store(submissionId: string, outcome: GradeOutcome, startedAt: Date): Promise<{ eventId: string; event: NewDomainEvent }> {
    const score = outcome.tests.reduce((sum, test) => sum + test.score, 0);
    const maxScore = outcome.tests.reduce((sum, test) => sum + test.maxScore, 0);
    const finishedAt = new Date();
    const outputSections = parseOutputSections(outcome.outputSections);
    const flagSeverity = flagSeverityOfRun(outcome.flags, outcome.tests);
    return this.runs.storeRun({ submissionId, outcome, outputSections, score, maxScore, flagSeverity, startedAt, finishedAt }, async (tx, run) => {
      const event: NewDomainEvent = { type: DomainEventType.submissionGraded, submissionId, payload: { run, score } };
      return { eventId: await this.outbox.record(tx, event), event };
    });
  }
}
