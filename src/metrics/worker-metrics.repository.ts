import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/** The one read the worker's metrics make: what a graded submission is labelled and timed by. */
@Injectable()
export class WorkerMetricsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Verdict, duration and times of the submission, with its exercise's and course's slugs; null when it is gone. */
  gradedFigures(submissionId: string) {
    return this.prisma.submission.findUnique({
      where: { id: submissionId },
      select: {
        verdict: true,
        durationMs: true,
        createdAt: true,
        finishedAt: true,
        exerciseVersion: { select: { exercise: { select: { slug: true, course: { select: { slug: true } } } } } },
      },
    });
  }
}
