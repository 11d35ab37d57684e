import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { OutboundPolicy, OutboundUrlError } from '../common/http/outbound-url';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { may, refusal } from '../access/course-capabilities';
import type { WebhookDelivery } from '../generated/prisma/client';
import type { CreateWebhookDto } from './dto/create-webhook.dto';
import { DEFAULT_PAGE_SIZE, type ListDeliveriesQuery } from './dto/list-deliveries.query';
import { WEBHOOK_EVENTS } from './webhook-events';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookEndpointRepository, type WebhookEndpointWithCourse } from './webhook-endpoint.repository';
import { newWebhookSecret } from './webhook-secret';
import type { CreatedWebhookEndpoint, DeliveryPage, WebhookDeliveryView, WebhookDeliveryWithPayload, WebhookEndpointView } from './dto/webhook-views.dto';

/** More endpoints than this per course would make every grading fan out too far. */
export const MAX_ENDPOINTS_PER_COURSE = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Webhook endpoints of a course and their delivery logs. Course staff (admin, the course's
 * instructors) manage the course's endpoints and see every endpoint of the course; an lms key
 * registers endpoints tied to itself and sees only those.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveryLog: WebhookDeliveryRepository,
    private readonly access: AccessPolicy,
    private readonly outbound: OutboundPolicy,
  ) {}

  async register(principal: Principal, courseSlug: string, dto: CreateWebhookDto): Promise<CreatedWebhookEndpoint> {
    const course = await this.courseToManage(principal, courseSlug);
    await this.refuseInternal(dto.url);
    const events = dto.events ?? [...WEBHOOK_EVENTS];
    const apiKeyId = principal.role === 'lms' ? principal.keyId : null;
    const existing = await this.endpoints.urlsAndOwnersOfCourse(course.id);
    if (existing.length >= MAX_ENDPOINTS_PER_COURSE) {
      throw new ConflictError(`course "${course.slug}" already has ${MAX_ENDPOINTS_PER_COURSE} webhook endpoints; delete one first`, [
        { field: 'url', reason: `a course has at most ${MAX_ENDPOINTS_PER_COURSE} webhook endpoints` },
      ]);
    }
    if (existing.some((endpoint) => endpoint.url === dto.url && endpoint.apiKeyId === apiKeyId)) {
      throw new ConflictError(`${dto.url} is already registered`, [{ field: 'url', reason: 'is already registered for this course by this owner' }]);
    }
    const secret = newWebhookSecret();
    const endpoint = await this.endpoints.create({ courseId: course.id, apiKeyId, url: dto.url, events, secret });
    return { ...toEndpointView(endpoint), secret };
  }

  async list(principal: Principal, courseSlug: string): Promise<WebhookEndpointView[]> {
    const course = await this.courseToManage(principal, courseSlug);
    const endpoints = await this.endpoints.ofCourse(course.id, principal.role === 'lms' ? principal.keyId : undefined);
    return endpoints.map(toEndpointView);
  }

  async get(principal: Principal, id: string): Promise<WebhookEndpointView> {
    return toEndpointView(await this.endpointToManage(principal, id));
  }

  /** Deletes the endpoint and its delivery log; deliveries still queued are dropped by the worker. */
  async remove(principal: Principal, id: string): Promise<void> {
    const endpoint = await this.endpointToManage(principal, id);
    await this.endpoints.delete(endpoint.id);
  }

  /** The delivery log, newest first, by keyset pagination (stable while new deliveries arrive). */
  async deliveries(principal: Principal, id: string, query: ListDeliveriesQuery): Promise<DeliveryPage> {
    const endpoint = await this.endpointToManage(principal, id);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    let after: { createdAt: Date; id: string } | null = null;
    if (query.cursor) {
      after = await this.deliveryLog.positionInLog(query.cursor, endpoint.id);
      if (!after) throw InvalidInputError.field('cursor', 'is not a delivery of this endpoint; use the nextCursor of a previous page');
    }
    const rows = await this.deliveryLog.logPage(endpoint.id, after, limit + 1);
    const items = rows.slice(0, limit).map(toDeliveryView);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }

  /** One delivery with the exact JSON it sends (the body is re-serialised from it at each attempt). */
  async delivery(principal: Principal, id: string, deliveryId: string): Promise<WebhookDeliveryWithPayload> {
    const endpoint = await this.endpointToManage(principal, id);
    const row = UUID.test(deliveryId) ? await this.deliveryLog.findOfEndpoint(deliveryId, endpoint.id) : null;
    if (!row) throw new NotFoundError(`delivery ${deliveryId} does not exist`, [{ field: 'deliveryId', reason: 'no such delivery of this endpoint' }]);
    return { ...toDeliveryView(row), payload: row.payload };
  }

  /**
   * 400 when the URL names, or its host resolves to, an address the outbound policy refuses. A name
   * that does not resolve yet is accepted: every delivery checks the address again before it connects.
   */
  private async refuseInternal(url: string): Promise<void> {
    try {
      await this.outbound.checkUrl(url, { unresolvable: 'accept' });
    } catch (error) {
      if (error instanceof OutboundUrlError) throw InvalidInputError.field('url', error.reason);
      throw error;
    }
  }

  private courseToManage(principal: Principal, courseSlug: string) {
    return this.access.findFor(principal, courseSlug, 'manageWebhooks');
  }

  /** The endpoint when the caller may manage it; 404 otherwise, so ids of other courses do not leak. */
  private async endpointToManage(principal: Principal, id: string): Promise<WebhookEndpointWithCourse> {
    const notFound = new NotFoundError(`webhook endpoint ${id} does not exist`, [{ field: 'id', reason: 'no such webhook endpoint' }]);
    if (!UUID.test(id)) throw notFound;
    const endpoint = await this.endpoints.getWithCourse(id);
    if (!endpoint) throw notFound;
    if (principal.role === 'admin') return endpoint;
    if (principal.role === 'lms') {
      if (endpoint.apiKeyId !== principal.keyId) throw notFound;
      return endpoint;
    }
    const actor = endpoint.courseId ? await this.access.actorIn(principal, endpoint.courseId) : null;
    // Course staff who may not manage webhooks (its TAs) learn why; anyone else learns nothing.
    if (may(actor, 'readAll') && !may(actor, 'manageWebhooks')) throw new ForbiddenError(refusal(actor!, 'manageWebhooks', endpoint.course?.slug ?? ''));
    if (!may(actor, 'manageWebhooks')) throw notFound;
    return endpoint;
  }
}

function toEndpointView(endpoint: WebhookEndpointWithCourse): WebhookEndpointView {
  return {
    id: endpoint.id,
    course: endpoint.course?.slug ?? '',
    url: endpoint.url,
    events: endpoint.events,
    active: endpoint.active,
    owner: endpoint.apiKeyId ? 'api-key' : 'course',
    apiKeyId: endpoint.apiKeyId,
    createdAt: endpoint.createdAt.toISOString(),
  };
}

function toDeliveryView(delivery: Omit<WebhookDelivery, 'payload'>): WebhookDeliveryView {
  return {
    id: delivery.id,
    endpointId: delivery.endpointId,
    event: delivery.event,
    submissionId: delivery.submissionId,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    createdAt: delivery.createdAt.toISOString(),
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
  };
}
