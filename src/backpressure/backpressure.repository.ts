import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/**
 * Back-pressure's reads and writes of a student's submissions: how many they made of an exercise
 * lately, which are still waiting for a first result, ending one that was replaced, and the recent
 * grading times a queue estimate averages.
 */
@Injectable()
export class BackpressureRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The student's submissions of the exercise (any version) created in [since, before). */
  countCreatedBetween(userId: string, exerciseId: string, since: Date, before: Date): Promise<number> {
    return this.prisma.submission.count({ where: { userId, createdAt: { gte: since, lt: before }, exerciseVersion: { exerciseId } } });
  }

  /**
   * The student's queued submissions of the exercise waiting for a first result, newest first,
   * without `exceptId`. Score null: one being regraded (it has a score) is never replaced.
   */
  queuedUngradedNewestFirst(userId: string, exerciseId: string, exceptId: string): Promise<{ id: string; jobId: string | null }[]> {
    return this.prisma.submission.findMany({
      where: { userId, status: 'queued', score: null, exerciseVersion: { exerciseId }, id: { not: exceptId } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, jobId: true },
    });
  }

  /**
   * countCreatedBetween and queuedUngradedNewestFirst in one statement (a POST needs both; Prisma
   * would send one per query and one more per relation it filters on).
   */
  async countAndQueued(
    userId: string,
    exerciseId: string,
    since: Date,
    before: Date,
    exceptId: string,
  ): Promise<{ earlier: number; queued: { id: string; jobId: string | null }[] }> {
    const [row] = await this.prisma.$queryRaw<{ earlier: number; queued: { id: string; jobId: string | null }[] }[]>`
      SELECT (count(*) FILTER (WHERE s.created_at >= ${since} AND s.created_at < ${before}))::int AS earlier,
             COALESCE(json_agg(json_build_object('id', s.id, 'jobId', s.job_id) ORDER BY s.created_at DESC, s.id DESC)
                        FILTER (WHERE s.status = 'queued' AND s.score IS NULL AND s.id <> ${exceptId}::uuid), '[]'::json) AS queued
        FROM submissions s
        JOIN exercise_versions v ON v.id = s.exercise_version_id
       WHERE s.user_id = ${userId}::uuid AND v.exercise_id = ${exerciseId}::uuid`;
    return row;
  }

  /** Ends the submission as `error` with `reason` if it is still queued without a score; false when it was not (nothing changed). */
  async endReplaced(submissionId: string, reason: string): Promise<boolean> {
    const { count } = await this.prisma.submission.updateMany({
      where: { id: submissionId, status: 'queued', score: null },
      data: { status: 'error', errorReason: reason, finishedAt: new Date() },
    });
    return count > 0;
  }

  /** durationMs of the last `take` graded submissions, most recently updated first (the status/updated_at index finds them). */
  async recentGradingDurations(take: number): Promise<number[]> {
    const rows = await this.prisma.submission.findMany({
      where: { status: 'graded', durationMs: { not: null } },
      orderBy: { updatedAt: 'desc' },
      take,
      select: { durationMs: true },
    });
    return rows.map((row) => row.durationMs ?? 0);
  }
}
