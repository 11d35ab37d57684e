import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';

/** A new delivery row: its payload is the exact JSON each attempt sends. */
export interface NewWebhookDelivery {
  id: string;
  endpointId: string;
  submissionId: string;
  event: string;
  outboxEventId: string;
  payload: object;
}

/** The submission with the one grading run a submission.graded delivery tells of, its student and course. */
const gradedSubmission = (run: number) =>
  ({
    results: { where: { run }, include: { tests: true } },
    user: { select: { id: true, externalId: true } },
    exerciseVersion: { include: { exercise: { include: { course: { select: { slug: true } } } } } },
  }) as const satisfies Prisma.SubmissionInclude;

export type GradedSubmissionToTell = Prisma.SubmissionGetPayload<{ include: ReturnType<typeof gradedSubmission> }>;

/**
 * The queries of webhook deliveries: making them from an event (once per event and endpoint),
 * finding those owed, recording each attempt, and the delivery log the API pages through.
 */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The id of the course the submission belongs to; null when the submission is gone. */
  async courseIdOfSubmission(submissionId: string): Promise<string | null> {
    const owner = await this.prisma.submission.findUnique({
      where: { id: submissionId },
      select: { exerciseVersion: { select: { exercise: { select: { courseId: true } } } } },
    });
    return owner?.exerciseVersion.exercise.courseId ?? null;
  }

  /** The submission with grading run `run` (`results`: none or that one, with its tests), its student and course. */
  gradedSubmission(submissionId: string, run: number): Promise<GradedSubmissionToTell> {
    return this.prisma.submission.findUniqueOrThrow({ where: { id: submissionId }, include: gradedSubmission(run) });
  }

  /**
   * Stores the deliveries, skipping any whose (outbox event, endpoint) pair already has one: the
   * unique key that makes handling an event twice create nothing new.
   */
  async createOncePerEventAndEndpoint(deliveries: NewWebhookDelivery[]): Promise<void> {
    await this.prisma.webhookDelivery.createMany({ data: deliveries, skipDuplicates: true });
  }

  /** The ids of the event's deliveries still pending, whichever handling of the event created them. */
  async pendingIdsOfEvent(outboxEventId: string): Promise<string[]> {
    const owed = await this.prisma.webhookDelivery.findMany({ where: { outboxEventId, status: 'pending' }, select: { id: true } });
    return owed.map((delivery) => delivery.id);
  }

  /** The ids of up to `limit` deliveries pending since before `createdBefore`, oldest first. */
  async pendingIdsCreatedBefore(createdBefore: Date, limit: number): Promise<string[]> {
    const pending = await this.prisma.webhookDelivery.findMany({
      where: { status: 'pending', createdAt: { lt: createdBefore } },
      select: { id: true },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
    return pending.map((delivery) => delivery.id);
  }

  /** The delivery with its endpoint and whether the endpoint's lms key was revoked. */
  withEndpoint(id: string) {
    return this.prisma.webhookDelivery.findUnique({
      where: { id },
      include: { endpoint: { include: { apiKey: { select: { revokedAt: true } } } } },
    });
  }

  /** Ends a delivery failed with `lastError`, unless it is no longer pending (delivered meanwhile, or already failed). */
  async failIfPending(id: string, lastError: string): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({ where: { id, status: 'pending' }, data: { status: 'failed', lastError } });
  }

  // The two below are updateMany: the endpoint (and the row) may have been deleted while the request was out.

  /** Records an attempt the receiver answered with a 2xx. */
  async recordDelivered(id: string, statusCode: number | null): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id },
      data: { status: 'delivered', attempts: { increment: 1 }, lastStatusCode: statusCode, lastError: null, deliveredAt: new Date() },
    });
  }

  /** Records a failed attempt; `last`: no attempt follows, so the delivery ends failed (else it stays pending). */
  async recordFailedAttempt(id: string, attempt: { statusCode: number | null; error: string | null; last: boolean }): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id },
      data: { status: attempt.last ? 'failed' : 'pending', attempts: { increment: 1 }, lastStatusCode: attempt.statusCode, lastError: attempt.error },
    });
  }

  /** Where delivery `id` stands in the endpoint's log (the keyset cursor); null when it is not one of the endpoint's. */
  positionInLog(id: string, endpointId: string): Promise<{ id: string; createdAt: Date } | null> {
    return this.prisma.webhookDelivery.findFirst({ where: { id, endpointId }, select: { id: true, createdAt: true } });
  }

  /** Up to `take` of the endpoint's deliveries, newest first (ties by id), after `after` when given; without payloads. */
  logPage(endpointId: string, after: { createdAt: Date; id: string } | null, take: number) {
    return this.prisma.webhookDelivery.findMany({
      where: {
        endpointId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      omit: { payload: true },
    });
  }

  /** One of the endpoint's deliveries, with its payload. */
  findOfEndpoint(id: string, endpointId: string) {
    return this.prisma.webhookDelivery.findFirst({ where: { id, endpointId } });
  }
}
