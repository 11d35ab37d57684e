import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { gradingAttemptOf, gradingJobId } from './queues';

/** The queue's one write of a submission: its next grading job id, stored before the job is added. */
@Injectable()
export class GradingJobRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Puts the submission back to queued under the next job id (numbered on from its current one),
   * in one transaction; a sweep counts itself, a regrade starts the count again. Returns the new job id.
   */
  requeue(submissionId: string, reason: 'regrade' | 'sweep'): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.submission.findUniqueOrThrow({ where: { id: submissionId }, select: { jobId: true } });
      const next = gradingJobId(submissionId, gradingAttemptOf(current.jobId) + 1);
      await tx.submission.update({
        where: { id: submissionId },
        data: {
          jobId: next,
          status: 'queued',
          ...(reason === 'sweep' ? { sweeps: { increment: 1 } } : { sweeps: 0 }),
        },
      });
      return next;
    });
  }
}
