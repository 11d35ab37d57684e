import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { RedisService } from '../redis/redis.module';
import { GradingQueueService } from './grading-queue.service';
import { GradingService } from './grading.service';

const SWEEP_EVERY_MS = 15_000;
/** A queued submission younger than this is left to the queue. */
const QUEUED_GRACE_MS = 30_000;
/** How many times a lost job is re-queued before the submission ends as error. */
const MAX_SWEEPS = 3;
const LOCK_KEY = 'memgrade:sweeper-lock';

/**
 * The guarantee behind "nothing is lost": Postgres is the truth about which submissions still need
 * grading. A submission queued or running whose job is no longer pending in Redis (Redis lost it,
 * or the enqueue never reached it) is queued again, and after MAX_SWEEPS it ends as error with a
 * reason. One worker sweeps at a time (a Redis lock).
 */
@Injectable()
export class SubmissionSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SubmissionSweeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly gradingQueue: GradingQueueService,
    private readonly grading: GradingService,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweepWithLock(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async sweepWithLock(): Promise<void> {
    try {
      const locked = await this.redis.client.set(LOCK_KEY, String(process.pid), 'PX', SWEEP_EVERY_MS, 'NX');
      if (locked) await this.sweep();
    } catch (error) {
      this.logger.warn(`sweep skipped: ${(error as Error).message}`);
    }
  }

  /** One pass; returns how many submissions it re-queued or ended. */
  async sweep(now = new Date()): Promise<{ requeued: number; failed: number }> {
    const stale = await this.prisma.submission.findMany({
      where: {
        status: { in: ['queued', 'running'] },
        updatedAt: { lt: new Date(now.getTime() - QUEUED_GRACE_MS) },
      },
      select: { id: true, jobId: true, sweeps: true },
      take: 500,
    });
    let requeued = 0;
    let failed = 0;
    for (const submission of stale) {
      if (submission.jobId && (await this.gradingQueue.isPending(submission.jobId))) continue;
      // Its job may have finished since the query: a finished job has already stored its outcome.
      const current = await this.prisma.submission.findUnique({ where: { id: submission.id }, select: { status: true } });
      if (current?.status !== 'queued' && current?.status !== 'running') continue;
      if (submission.sweeps >= MAX_SWEEPS) {
        await this.grading.fail(submission.id, `grading was lost ${submission.sweeps + 1} times (worker or queue failure); submit again`);
        failed++;
        continue;
      }
      if (await this.gradingQueue.requeue(submission.id, 'sweep')) requeued++;
    }
    if (requeued || failed) this.logger.warn({ requeued, failed }, 'swept submissions whose grading job was lost');
    return { requeued, failed };
  }
}
