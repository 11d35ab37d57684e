import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';

/** An endpoint with its course's slug, as the API shows it. */
const withCourseSlug = { course: { select: { slug: true } } } as const;

export type WebhookEndpointWithCourse = Prisma.WebhookEndpointGetPayload<{ include: typeof withCourseSlug }>;

/** The queries of webhook endpoints: registering, listing and deleting them, and who is told of an event. */
@Injectable()
export class WebhookEndpointRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The URL and owner (null: the course's staff) of every endpoint of the course. */
  urlsAndOwnersOfCourse(courseId: string) {
    return this.prisma.webhookEndpoint.findMany({ where: { courseId }, select: { url: true, apiKeyId: true } });
  }

  create(data: { courseId: string; apiKeyId: string | null; url: string; events: string[]; secret: string }): Promise<WebhookEndpointWithCourse> {
    return this.prisma.webhookEndpoint.create({ data, include: withCourseSlug });
  }

  /** The course's endpoints, oldest first (ties by id); only those of the lms key `ownedByKey` when given. */
  ofCourse(courseId: string, ownedByKey?: string): Promise<WebhookEndpointWithCourse[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: { courseId, ...(ownedByKey !== undefined ? { apiKeyId: ownedByKey } : {}) },
      include: withCourseSlug,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  getWithCourse(id: string): Promise<WebhookEndpointWithCourse | null> {
    return this.prisma.webhookEndpoint.findUnique({ where: { id }, include: withCourseSlug });
  }

  /** Deletes the endpoint (its deliveries cascade); deleteMany, so one deleted meanwhile is no error. */
  async delete(id: string): Promise<void> {
    await this.prisma.webhookEndpoint.deleteMany({ where: { id } });
  }

  /** The ids of the course's active endpoints subscribed to `event`, without those of a revoked lms key. */
  async idsSubscribedTo(courseId: string, event: string): Promise<string[]> {
    const endpoints = await this.prisma.webhookEndpoint.findMany({
      where: {
        courseId,
        active: true,
        events: { has: event },
        // An lms key's endpoints stop with the key.
        OR: [{ apiKeyId: null }, { apiKey: { revokedAt: null } }],
      },
      select: { id: true },
    });
    return endpoints.map((endpoint) => endpoint.id);
  }
}
