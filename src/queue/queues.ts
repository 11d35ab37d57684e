import type { JobsOptions } from 'bullmq';

/**
 * Every queue, job name, payload and default job option of memgrade, in one place.
 * The API enqueues; workers consume. Job ids are domain ids, so a job cannot be queued twice.
 */
export const GRADING_QUEUE = 'grading';
export const WEBHOOKS_QUEUE = 'webhooks';

export const GradingJob = {
  grade: 'grade-submission',
  validateExercise: 'validate-exercise-version',
} as const;

/** Runs an exercise version's reference, starter and wrong answer to decide whether it may be published. */
export interface ValidateExercisePayload {
  exerciseVersionId: string;
}

export const validationJobId = (exerciseVersionId: string) => `validate_${exerciseVersionId}`;

export interface GradeSubmissionPayload {
  submissionId: string;
  /** Why grading was requested, for the logs. */
  reason: 'submitted' | 'regrade' | 'sweep';
}

export const WebhookJob = {
  deliver: 'deliver-webhook',
} as const;

export interface DeliverWebhookPayload {
  deliveryId: string;
}

/**
 * Only infrastructure failures (sandbox_error, a lost database) are retried: the grading processor
 * throws UnrecoverableError for anything caused by the student's code, so backoff never re-runs it.
 */
export const gradingJobOptions: JobsOptions = {
  attempts: 4,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export const webhookJobOptions: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * A job id per grading request: the first grading of a submission uses the submission's id, the
 * n-th re-queue "<id>_<n>" (BullMQ refuses ":" in custom ids).
 */
export function gradingJobId(submissionId: string, attempt = 0): string {
  return attempt === 0 ? submissionId : `${submissionId}_${attempt}`;
}

/** The n of a job id made by gradingJobId (0 for the first grading). */
export function gradingAttemptOf(jobId: string | null): number {
  const match = /_(\d+)$/.exec(jobId ?? '');
  return match ? Number(match[1]) : 0;
}
