import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { RegradeItemState } from '../generated/prisma/enums';

/** The queries of version regrades: the regrade, its items and how far they got. */
@Injectable()
export class RegradeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A regrade with one pending item per submission (its score before), made before any job is queued. */
  create(exerciseVersionId: string, requestedBy: string, submissions: { id: string; score: number | null }[]) {
    return this.prisma.regrade.create({
      data: { exerciseVersionId, requestedBy, items: { create: submissions.map((s) => ({ submissionId: s.id, previousScore: s.score })) } },
    });
  }

  /** The ids of a version's latest 50 regrades, newest first. */
  async latestIdsOfVersion(exerciseVersionId: string): Promise<string[]> {
    const regrades = await this.prisma.regrade.findMany({ where: { exerciseVersionId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: 50, select: { id: true } });
    return regrades.map((regrade) => regrade.id);
  }

  async isOfVersion(id: string, exerciseVersionId: string): Promise<boolean> {
    return !!(await this.prisma.regrade.findFirst({ where: { id, exerciseVersionId }, select: { id: true } }));
  }

  /** When the regrade was made, its items counted by state, and when the last one finished. */
  async progress(id: string): Promise<{ createdAt: Date; counts: Record<RegradeItemState, number>; lastFinishedAt: Date | null }> {
    const [regrade, counts, last] = await Promise.all([
      this.prisma.regrade.findUniqueOrThrow({ where: { id } }),
      this.prisma.regradeItem.groupBy({ by: ['state'], where: { regradeId: id }, _count: { _all: true } }),
      this.prisma.regradeItem.aggregate({ where: { regradeId: id }, _max: { finishedAt: true } }),
    ]);
    const count = (state: RegradeItemState) => counts.find((c) => c.state === state)?._count._all ?? 0;
    return { createdAt: regrade.createdAt, counts: { pending: count('pending'), regraded: count('regraded'), failed: count('failed') }, lastFinishedAt: last._max.finishedAt };
  }
}
