import type { SubmissionView } from '../submissions/submission-view';

/** The events an endpoint can subscribe to. */
export const WEBHOOK_EVENTS = ['submission.graded'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The body of every webhook request. `id` is the delivery id (also in the Memgrade-Delivery header). */
export interface WebhookEnvelope<T> {
  id: string;
  event: WebhookEvent;
  /** When the event happened (ISO 8601). */
  createdAt: string;
  data: T;
}

/** `data` of a submission.graded event: the staff view of the submission and where it belongs. */
export interface SubmissionGradedData {
  course: string;
  exercise: { slug: string; title: string };
  student: { id: string; externalId: string | null };
  submission: SubmissionView;
}
