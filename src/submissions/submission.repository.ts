import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';

/**
 * A submission with its exercise version, exercise and course: what access and views need. Not the
 * version's spec and files (an exercise's tests and starter files, read on every GET otherwise).
 */
const withCourse = { exerciseVersion: { select: { id: true, exerciseId: true, number: true, maxScore: true, status: true, exercise: { include: { course: true } } } } } as const;
/** The latest grading run with its tests, as the submission's view shows it. */
const latestResult = { orderBy: { run: 'desc' }, take: 1, include: { tests: true } } as const satisfies Prisma.Submission$resultsArgs;

export type SubmissionWithCourse = Prisma.SubmissionGetPayload<{ include: typeof withCourse }>;
export type SubmissionWithLatestResult = Prisma.SubmissionGetPayload<{ include: typeof withCourse & { results: typeof latestResult } }>;

/** The new submission's row; the rest of its columns take their defaults. */
export type NewSubmission = Prisma.SubmissionUncheckedCreateInput & { id: string; createdAt: Date };

/** The queries of the submissions domain. */
@Injectable()
export class SubmissionRepository {
  constructor(private readonly prisma: PrismaService) {}

  getWithCourse(id: string): Promise<SubmissionWithCourse | null> {
    return this.prisma.submission.findUnique({ where: { id }, include: withCourse });
  }

  /** The submission with its course and its latest grading run (`results`: none or one, with its tests). */
  getWithLatestResult(id: string): Promise<SubmissionWithLatestResult | null> {
    return this.prisma.submission.findUnique({ where: { id }, include: { ...withCourse, results: latestResult } });
  }

  findByIdempotencyKey(apiKeyId: string, idempotencyKey: string) {
    return this.prisma.submission.findUnique({ where: { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey } } });
  }

  /**
   * Stores a submission in one transaction with `admit`, which may refuse it by throwing (the
   * deadline and attempt-limit check, which must see the same snapshot as the insert).
   */
  createAdmitted(data: NewSubmission, admit: (tx: Prisma.TransactionClient) => Promise<void>) {
    return this.prisma.$transaction(async (tx) => {
      await admit(tx);
      return tx.submission.create({ data, select: { id: true, status: true, createdAt: true } });
    });
  }

  /** The same student's submission of the same exercise just before this one (any version), with its files. */
  previousOf(submission: { id: string; userId: string; createdAt: Date; exerciseId: string }) {
    return this.prisma.submission.findFirst({
      where: {
        userId: submission.userId,
        exerciseVersion: { exerciseId: submission.exerciseId },
        OR: [{ createdAt: { lt: submission.createdAt } }, { createdAt: submission.createdAt, id: { lt: submission.id } }],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, createdAt: true, files: true },
    });
  }

  /** Up to `take` submissions matching `where`, newest first (ties by id), with their course. */
  newestFirst(where: Prisma.SubmissionWhereInput, take: number): Promise<SubmissionWithCourse[]> {
    return this.prisma.submission.findMany({ where, include: withCourse, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take });
  }

  /** The finished (graded or failed) submissions of a version, optionally only of students on a course's roster. */
  finishedOfVersion(exerciseVersionId: string, onRosterOf?: string) {
    return this.prisma.submission.findMany({
      where: {
        exerciseVersionId,
        status: { in: ['graded', 'error'] },
        ...(onRosterOf ? { user: { enrolments: { some: { courseId: onRosterOf } } } } : {}),
      },
      select: { id: true, score: true },
    });
  }
}
