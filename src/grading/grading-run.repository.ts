import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { FlagSeverity } from '../results/flag-summary';
import type { GradeOutcome, OutputSection } from '../results/grade-outcome';

/** A submission as the worker grades it: with its exercise version (spec, files, reference figures) and exercise. */
const withVersion = { exerciseVersion: { include: { exercise: true } } } as const;
export type SubmissionToGrade = Prisma.SubmissionGetPayload<{ include: typeof withVersion }>;

/** One grading run as the service computed it from its grader's outcome, ready to be stored. */
export interface RunToStore {
  submissionId: string;
  outcome: GradeOutcome;
  /** The outcome's output sections as parsed for storage; null when the harness did not split them. */
  outputSections: OutputSection[] | null;
  score: number;
  maxScore: number;
  flagSeverity: FlagSeverity | null;
  startedAt: Date;
  finishedAt: Date;
}

/**
 * The worker's queries of a submission's grading: starting it, storing a run, putting it back to
 * wait for a retry, ending it, and finding the ones whose grading was lost (the sweeper).
 */
@Injectable()
export class GradingRunRepository {
  constructor(private readonly prisma: PrismaService) {}

  findToGrade(submissionId: string): Promise<SubmissionToGrade | null> {
    return this.prisma.submission.findUnique({ where: { id: submissionId }, include: withVersion });
  }

  /** Marks it running from `startedAt`, counting this start (less the `uncountedStarts` given back) and clearing any reason. */
  async markRunning(submissionId: string, startedAt: Date, uncountedStarts: number): Promise<void> {
    await this.prisma.submission.update({
      where: { id: submissionId },
      data: { status: 'running', startedAt, attempts: { increment: 1 - uncountedStarts }, errorReason: null },
    });
  }

  /**
   * A running submission back to queued with the reason (cut to 2000 characters), and its start
   * given back when `refund`. False when it was not running (nothing changed).
   */
  async putBackToWait(submissionId: string, reason: string, refund: boolean): Promise<boolean> {
    const { count } = await this.prisma.submission.updateMany({
      where: { id: submissionId, status: 'running' },
      data: { status: 'queued', errorReason: reason.slice(0, 2000), ...(refund ? { attempts: { decrement: 1 } } : {}) },
    });
    return count > 0;
  }

  /**
   * Ends a queued or running submission that cannot be graded, in one transaction: back to
   * `graded` when it has a stored score (its earlier result stands), else `error` with `why`; its
   * pending regrade items fail with `why`. Returns the status it ended in, or null when it was
   * neither queued nor running (nothing changed).
   */
  endUngradable(submissionId: string, why: string, finishedAt: Date): Promise<'graded' | 'error' | null> {
    return this.prisma.$transaction(async (tx) => {
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
  }

  /**
   * Stores the run as the submission's next one (with its tests), the submission graded with its
   * new score, and its pending regrade items regraded, in one transaction with `alongside` (the
   * caller's outbox event, given the run's number), whose answer it returns: the event exists
   * exactly when the result does.
   */
  storeRun<T>(result: RunToStore, alongside: (tx: Prisma.TransactionClient, run: number) => Promise<T>): Promise<T> {
    const { submissionId, outcome, score, maxScore, finishedAt } = result;
    return this.prisma.$transaction(async (tx) => {
      const last = await tx.gradingResult.findFirst({ where: { submissionId }, orderBy: { run: 'desc' }, select: { run: true } });
      const run = (last?.run ?? 0) + 1;
      // The run and its tests as two inserts that return nothing: a nested create reads the run back
      // (one more statement), and inserts its tests one by one.
      const resultId = randomUUID();
      await tx.gradingResult.create({
        select: { id: true },
        data: {
          id: resultId,
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
          outputSections: (result.outputSections ?? undefined) as object[] | undefined,
          flags: outcome.flags as object[],
          report: outcome.report as object,
        },
      });
      if (outcome.tests.length) {
        await tx.testResult.createMany({
          data: outcome.tests.map((test, position) => ({
            gradingResultId: resultId,
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
        });
      }
      // updateMany: the row is not read back.
      await tx.submission.updateMany({
        where: { id: submissionId },
        data: {
          status: 'graded',
          verdict: outcome.verdict,
          score,
          errorReason: null,
          flagSeverity: result.flagSeverity,
          finishedAt,
          durationMs: finishedAt.getTime() - result.startedAt.getTime(),
        },
      });
      // The regrades waiting for this submission see it done, in the same step as the new score.
      await tx.regradeItem.updateMany({ where: { submissionId, state: 'pending' }, data: { state: 'regraded', score, finishedAt } });
      return alongside(tx, run);
    });
  }

  /**
   * Up to 500 submissions queued or running that have not changed since `unchangedSince`: the
   * sweeper's candidates for a lost job, with what it decides by (job, sweeps, start, the spec's limits).
   */
  unfinishedUnchangedSince(unchangedSince: Date) {
    return this.prisma.submission.findMany({
      where: { status: { in: ['queued', 'running'] }, updatedAt: { lt: unchangedSince } },
      select: { id: true, jobId: true, sweeps: true, status: true, startedAt: true, exerciseVersion: { select: { spec: true } } },
      take: 500,
    });
  }

  /** Whether the submission is still queued or running (not finished, not deleted). */
  async isUnfinished(submissionId: string): Promise<boolean> {
    const current = await this.prisma.submission.findUnique({ where: { id: submissionId }, select: { status: true } });
    return current?.status === 'queued' || current?.status === 'running';
  }
}
