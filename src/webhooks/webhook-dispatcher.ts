import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { PrismaService } from '../database/prisma.service';
import { WEBHOOKS_QUEUE, WebhookJob, type DeliverWebhookPayload } from '../queue/queues';
import { toSubmissionView } from '../submissions/submission-view';
import type { SubmissionGradedData, WebhookEnvelope, WebhookEvent } from './webhook-events';

/** How long grading waits for Redis to take the delivery jobs; the sweeper enqueues any it did not. */
export const WEBHOOK_ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * Turns domain events into deliveries: one WebhookDelivery row per subscribed endpoint (stored
 * first, so it is never lost), then one job per row on the webhooks queue (job id = delivery id, so
 * a delivery is never queued twice). Sending happens in the worker's WebhookDeliveryProcessor, never
 * here: a receiver that is slow or down cannot slow whoever raised the event.
 */
@Injectable()
export class WebhookDispatcher {
  private readonly logger = new Logger(WebhookDispatcher.name);

  constructor(
    private readonly prisma: PrismaService,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhookPayload>,
  ) {}

  /** A submission was graded (or regraded): tell every endpoint of its course. */
  async submissionGraded(submissionId: string): Promise<void> {
    await this.dispatchSubmissionGraded(submissionId);
  }

  /** As submissionGraded, returning the ids of the deliveries it created (for tests and logs). */
  async dispatchSubmissionGraded(submissionId: string): Promise<string[]> {
    const event: WebhookEvent = 'submission.graded';
    // Cheap questions first: most gradings have no endpoint to tell.
    const owner = await this.prisma.submission.findUnique({
      where: { id: submissionId },
      select: { status: true, exerciseVersion: { select: { exercise: { select: { courseId: true } } } } },
    });
    if (!owner || owner.status !== 'graded') return [];
    const endpoints = await this.prisma.webhookEndpoint.findMany({
      where: {
        courseId: owner.exerciseVersion.exercise.courseId,
        active: true,
        events: { has: event },
        // An lms key's endpoints stop with the key.
        OR: [{ apiKeyId: null }, { apiKey: { revokedAt: null } }],
      },
      select: { id: true },
    });
    if (!endpoints.length) return [];
    const submission = await this.prisma.submission.findUniqueOrThrow({
      where: { id: submissionId },
      include: {
        results: { orderBy: { run: 'desc' }, take: 1, include: { tests: true } },
        user: { select: { id: true, externalId: true } },
        exerciseVersion: { include: { exercise: { include: { course: { select: { slug: true } } } } } },
      },
    });
    const { exercise } = submission.exerciseVersion;

    const data: SubmissionGradedData = {
      course: exercise.course.slug,
      exercise: { slug: exercise.slug, title: exercise.title },
      student: { id: submission.user.id, externalId: submission.user.externalId },
      submission: toSubmissionView(submission, `${exercise.course.slug}/${exercise.slug}`, true),
    };
    const createdAt = new Date().toISOString();
    const deliveries = endpoints.map((endpoint) => {
      const id = randomUUID();
      const payload: WebhookEnvelope<SubmissionGradedData> = { id, event, createdAt, data };
      return { id, endpointId: endpoint.id, submissionId, event, payload: payload as object };
    });
    await this.prisma.webhookDelivery.createMany({ data: deliveries });
    const ids = deliveries.map((delivery) => delivery.id);
    await this.enqueue(ids);
    return ids;
  }

  /**
   * Queues delivery jobs (idempotent: the job id is the delivery id). Returns false when Redis did not
   * take them in time; the rows stay pending and WebhookDeliverySweeper queues them later.
   */
  async enqueue(deliveryIds: string[]): Promise<boolean> {
    if (!deliveryIds.length) return true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.addBulk(deliveryIds.map((deliveryId) => ({ name: WebhookJob.deliver, data: { deliveryId }, opts: { jobId: deliveryId } }))),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from Redis within ${WEBHOOK_ENQUEUE_TIMEOUT_MS} ms`)), WEBHOOK_ENQUEUE_TIMEOUT_MS);
        }),
      ]);
      return true;
    } catch (error) {
      this.logger.warn(`could not queue ${deliveryIds.length} webhook deliveries; the sweeper will: ${(error as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
