import { Prisma } from '../generated/prisma/client';

/**
 * Which submissions have a result that counts (gradebook, LMS score, the submission's view).
 *
 * A submission's score is written only together with a stored grading run, in one transaction
 * (grading/grading.service.ts), and a regrade puts it back to queued without touching it. So a
 * submission that is queued or running with a score is being graded again, and the score it has
 * stands until the new run replaces it in that same transaction: nothing in between reads as
 * ungraded. `error` never counts (a failed regrade goes back to `graded` with its earlier result).
 */
export const STANDING_STATUSES = ['graded', 'queued', 'running'] as const;

/** Prisma filter: the submissions whose stored result counts. */
export const standingResultWhere = { status: { in: [...STANDING_STATUSES] }, score: { not: null } } satisfies Prisma.SubmissionWhereInput;

/** The same as SQL over a submissions table aliased `s`. */
export const standingResultSql = Prisma.sql`s.status IN ('graded', 'queued', 'running') AND s.score IS NOT NULL`;

/** True while a submission with a stored result is being graded again (its stored result still shown). */
export function isRegrading(submission: { status: string; score: number | null }): boolean {
  return (submission.status === 'queued' || submission.status === 'running') && submission.score !== null;
}
