import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { OutboundPolicy } from '../common/http/outbound-url';
import { AppConfigService } from '../config/app-config';
import { isDatabaseUnavailable } from '../database/prisma-errors';
import { WEBHOOKS_QUEUE, WebhookJob, type DeliverWebhookPayload } from '../queue/queues';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { postWebhook } from './webhook-sender';
import { signatureHeader, WEBHOOK_HEADERS } from './webhook-signature';
import { QuietWorkerHost } from '../queue/quiet-worker-host';

/** Deliveries sent at once per worker: they wait on the network, not on the CPU. */
export const WEBHOOK_CONCURRENCY = 16;
const USER_AGENT = 'memgrade-webhooks/1';

/** A delivery that could not even be read because the database is down waits this long, without spending an attempt. */
export const DATABASE_OUTAGE_DELAY_MS = 5_000;
/** ...for at most this long from the first such postponement; then failures count again. */
export const DATABASE_OUTAGE_GRACE_MS = 3600_000;

export type DeliveryJobResult = 'delivered' | 'gone' | 'skipped' | 'abandoned';

/**
 * Sends webhook deliveries (worker only). Each attempt POSTs the stored payload, signed afresh with
 * the current time, and records itself in the delivery row (attempts, last status code or error).
 * 2xx → delivered. Anything else throws, so BullMQ retries with the backoff of webhookJobOptions;
 * the last attempt marks the delivery failed. Runs on its own queue and worker, so receivers that
 * hang never hold up grading.
 */
@Processor(WEBHOOKS_QUEUE, { concurrency: WEBHOOK_CONCURRENCY })
export class WebhookDeliveryProcessor extends QuietWorkerHost {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly config: AppConfigService,
    private readonly outbound: OutboundPolicy,
  ) {
    super();
  }

  protected async handle(job: Job<DeliverWebhookPayload & { outageSince?: number }>, token?: string): Promise<DeliveryJobResult> {
    try {
      return await this.deliver(job);
    } catch (error) {
      // The database is down: that is not the receiver's failure, so no attempt is spent on it.
      const since = job.data.outageSince ?? Date.now();
      if (!token || !isDatabaseUnavailable(error) || Date.now() - since > DATABASE_OUTAGE_GRACE_MS) throw error;
      await job.updateData({ ...job.data, outageSince: since });
      await job.moveToDelayed(Date.now() + DATABASE_OUTAGE_DELAY_MS, token);
      this.logger.warn({ deliveryId: job.data.deliveryId, err: (error as Error).message }, 'webhook delivery postponed: the database is not reachable');
      throw new DelayedError();
    }
  }

  private async deliver(job: Job<DeliverWebhookPayload>): Promise<DeliveryJobResult> {
    if (job.name !== WebhookJob.deliver) throw new UnrecoverableError(`unknown webhook job ${job.name}`);
    const { deliveryId } = job.data;
    const delivery = await this.deliveries.withEndpoint(deliveryId);
    // The endpoint was deleted (its log with it), or a duplicate job found the work done.
    if (!delivery) return 'gone';
    if (delivery.status !== 'pending') return 'skipped';
    const { endpoint } = delivery;
    if (!endpoint.active || endpoint.apiKey?.revokedAt) {
      const reason = endpoint.active ? 'the API key that registered this endpoint was revoked' : 'the endpoint is disabled';
      await this.deliveries.failIfPending(deliveryId, reason);
      return 'abandoned';
    }

    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const result = await postWebhook(
      endpoint.url,
      body,
      {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        [WEBHOOK_HEADERS.event]: delivery.event,
        [WEBHOOK_HEADERS.delivery]: delivery.id,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WEBHOOK_HEADERS.signature]: signatureHeader(endpoint.secret, timestamp, body),
      },
      this.config.values.WEBHOOK_TIMEOUT_MS,
      this.outbound,
    );
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const log = { deliveryId, endpointId: endpoint.id, attempt, statusCode: result.statusCode, durationMs: result.durationMs };
    if (result.ok) {
      await this.deliveries.recordDelivered(deliveryId, result.statusCode);
      this.logger.log(log, 'webhook delivered');
      return 'delivered';
    }
    // The address policy refused the URL (it names or now resolves to an internal address): nothing
    // was sent, and sending again would be refused again.
    const last = attempt >= maxAttempts || !!result.refused;
    await this.deliveries.recordFailedAttempt(deliveryId, { statusCode: result.statusCode, error: result.error, last });
    this.logger.warn({ ...log, error: result.error, last }, last ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
    if (result.refused) throw new UnrecoverableError(`attempt ${attempt} to ${endpoint.url}: ${result.error}`);
    throw new Error(`attempt ${attempt}/${maxAttempts} to ${endpoint.url}: ${result.error}`);
  }

  /** A delivery whose attempts are spent ends failed even when the last attempt could not record itself. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<DeliverWebhookPayload> | undefined, error: Error): Promise<void> {
    if (!job || (job.attemptsMade < (job.opts.attempts ?? 1) && !(error instanceof UnrecoverableError))) return;
    await this.deliveries
      .failIfPending(job.data.deliveryId, error.message.slice(0, 2000))
      .catch((failure: Error) => this.logger.warn({ deliveryId: job.data.deliveryId, error: failure.message }, 'could not mark the delivery failed'));
  }
}
