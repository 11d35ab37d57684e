/**
 * BullMQ job priorities of grading (1 runs first; equal priorities run in the order queued). A
 * student's first submission of an exercise in the priority window gets 1, their n-th gets n, so
 * during a burst a first try is graded before someone's tenth resubmission of the same thing.
 */
export const FIRST_SUBMISSION_PRIORITY = 1;
/** The lowest priority a student's own submission gets (their 1000th and later in the window). */
export const LOWEST_STUDENT_PRIORITY = 1_000;
/** Staff regrades (one or a whole version) wait behind every student's submission. */
export const REGRADE_PRIORITY = 2_000;
/** A submission whose job Redis lost has waited already: the sweeper queues it first. */
export const SWEEP_PRIORITY = 1;

/** The priority of a student's submission, from how many they submitted before it to the same exercise in the window. */
export function submissionPriority(earlierInWindow: number): number {
  const earlier = Number.isFinite(earlierInWindow) ? Math.max(0, Math.floor(earlierInWindow)) : 0;
  return Math.min(FIRST_SUBMISSION_PRIORITY + earlier, LOWEST_STUDENT_PRIORITY);
}
