import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { within } from '../common/time/within';
import { type DomainEvent, DomainEventType, type EventSubscriber, type SubmissionGradedEvent } from '../events/domain-events';
import { OutboxService } from '../events/outbox.service';
import { WEBHOOKS_QUEUE, WebhookJob, type DeliverWebhookPayload } from '../queue/queues';
import { toSubmissionView } from '../submissions/submission-view';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import type { SubmissionGradedData, WebhookEnvelope, WebhookEvent } from './webhook-events';

/** How long the relay waits for Redis to take the delivery jobs; the sweeper enqueues any it did not. */
export const WEBHOOK_ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * Turns domain events into deliveries (a subscriber of the outbox): one WebhookDelivery row per
 * subscribed endpoint and event (a unique key, so handling an event twice creates nothing new),
 * then one job per row on the webhooks queue (job id = delivery id, so a delivery is never queued
 * twice). Sending happens in the worker's WebhookDeliveryProcessor, never here: a receiver that is
 * slow or down cannot slow whoever raised the event.
 */
@Injectable()
export class WebhookDispatcher implements EventSubscriber, OnModuleInit {
  readonly name = 'webhooks';
  private readonly logger = new Logger(WebhookDispatcher.name);

  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly outbox: OutboxService,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhookPayload>,
  ) {}

  onModuleInit(): void {
    this.outbox.subscribe(this);
  }

  async handle(event: DomainEvent): Promise<void> {
    if (event.type === DomainEventType.submissionGraded) await this.submissionGraded(event);
  }

  /** A grading run was stored: tell every endpoint of its course, with that run. Returns the deliveries' ids. */
  async submissionGraded(event: SubmissionGradedEvent): Promise<string[]> {
    const webhookEvent: WebhookEvent = 'submission.graded';
    const { submissionId } = event;
    // Cheap questions first: most gradings have no endpoint to tell.
    const courseId = await this.deliveries.courseIdOfSubmission(submissionId);
    if (!courseId) return [];
    const endpointIds = await this.endpoints.idsSubscribedTo(courseId, webhookEvent);
    if (endpointIds.length) {
      const submission = await this.deliveries.gradedSubmission(submissionId, event.payload.run);
      if (!submission.results.length) return [];
      const { exercise } = submission.exerciseVersion;
      // The submission as this run left it, even if a regrade has queued it again since.
      const asGraded = { ...submission, status: 'graded' as const };
      const data: SubmissionGradedData = {
        course: exercise.course.slug,
        exercise: { slug: exercise.slug, title: exercise.title },
        student: { id: submission.user.id, externalId: submission.user.externalId },
        submission: toSubmissionView(asGraded, `${exercise.course.slug}/${exercise.slug}`, true),
      };
      const createdAt = event.createdAt.toISOString();
      const rows = endpointIds.map((endpointId) => {
        const id = randomUUID();
        const payload: WebhookEnvelope<SubmissionGradedData> = { id, event: webhookEvent, createdAt, data };
        return { id, endpointId, submissionId, event: webhookEvent, outboxEventId: event.id, payload: payload as object };
      });
      await this.deliveries.createOncePerEventAndEndpoint(rows);
    }
    // What this event owes, whichever handling created it: queued again is harmless (same job id).
    const ids = await this.deliveries.pendingIdsOfEvent(event.id);
    await this.enqueue(ids);
    return ids;
  }

  /**
   * Queues delivery jobs (idempotent: the job id is the delivery id). Returns false when Redis did not
   * take them in time; the rows stay pending and WebhookDeliverySweeper queues them later.
   */
  async enqueue(deliveryIds: string[]): Promise<boolean> {
    if (!deliveryIds.length) return true;
    try {
      await within(
        this.queue.addBulk(deliveryIds.map((deliveryId) => ({ name: WebhookJob.deliver, data: { deliveryId }, opts: { jobId: deliveryId } }))),
        WEBHOOK_ENQUEUE_TIMEOUT_MS,
        'Redis',
      );
      return true;
    } catch (error) {
      this.logger.warn({ deliveries: deliveryIds.length, error: (error as Error).message }, 'could not queue webhook deliveries; the sweeper will');
      return false;
    }
  }
}
