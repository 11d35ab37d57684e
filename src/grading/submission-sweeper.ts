import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { RedisService } from '../redis/redis.module';
import { validationJobId } from '../queue/queues';
import { ExerciseValidationRepository } from './exercise-validation.repository';
import { ExerciseValidationService } from './exercise-validation.service';
import { GradingQueueService } from '../queue/grading-queue.service';
import { GradingRunRepository } from './grading-run.repository';
import { GradingService } from './grading.service';

const SWEEP_EVERY_MS = 15_000;
/** A queued submission younger than this is left to the queue. */
const QUEUED_GRACE_MS = 30_000;
/** How many times a lost job is re-queued before the submission ends as error. */
const MAX_SWEEPS = 3;
/** Grading that runs longer than twice its exercise's time limit plus this is stuck, whatever its job says. */
const RUNNING_MARGIN_MS = 5 * 60_000;
/** A version still pending validation after this, with no job due, lost its job. */
const VALIDATION_GRACE_MS = 10 * 60_000;
const LOCK_KEY = 'memgrade:sweeper-lock';

/**
 * The guarantee behind "nothing is lost": Postgres is the truth about which submissions still need
 * grading. A submission queued or running whose job is no longer pending in Redis (Redis lost it,
 * or the enqueue never reached it) is queued again, and after MAX_SWEEPS it ends as error with a
 * reason. A submission running past a bound derived from its limits ends as error too, and an
 * exercise version whose validation job was lost is validated again. One worker sweeps at a time
 * (a Redis lock).
 */
@Injectable()
export class SubmissionSweeper implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SubmissionSweeper.name);
  private stop?: () => void;

  constructor(
    private readonly runs: GradingRunRepository,
    private readonly versions: ExerciseValidationRepository,
    private readonly redis: RedisService,
    private readonly gradingQueue: GradingQueueService,
    private readonly grading: GradingService,
    private readonly validation: ExerciseValidationService,
  ) {}

  onModuleInit(): void {
    this.stop = this.redis.everyExclusively(
      LOCK_KEY,
      SWEEP_EVERY_MS,
      () => this.sweep(),
      (error) => this.logger.warn(`sweep skipped: ${error.message}`),
    );
  }

  onApplicationShutdown(): void {
    this.stop?.();
  }

  /** One pass; returns how many submissions it re-queued or ended. */
  async sweep(now = new Date()): Promise<{ requeued: number; failed: number }> {
    const stale = await this.runs.unfinishedUnchangedSince(new Date(now.getTime() - QUEUED_GRACE_MS));
    let requeued = 0;
    let failed = 0;
    for (const submission of stale) {
      const limitSeconds = (submission.exerciseVersion.spec as { limits?: { timeSeconds?: number } }).limits?.timeSeconds ?? 60;
      const boundMs = 2 * limitSeconds * 1000 + RUNNING_MARGIN_MS;
      if (submission.status === 'running' && submission.startedAt && now.getTime() - submission.startedAt.getTime() > boundMs) {
        await this.grading.fail(submission.id, `grading ran longer than its limits allow (${Math.round(boundMs / 1000)} s); submit again`);
        failed++;
        continue;
      }
      if (submission.jobId && (await this.gradingQueue.isPending(submission.jobId))) continue;
      // Its job may have finished since the query: a finished job has already stored its outcome.
      if (!(await this.runs.isUnfinished(submission.id))) continue;
      if (submission.sweeps >= MAX_SWEEPS) {
        await this.grading.fail(submission.id, `grading was lost ${submission.sweeps + 1} times (worker or queue failure); submit again`);
        failed++;
        continue;
      }
      if (await this.gradingQueue.requeue(submission.id, 'sweep')) requeued++;
    }
    if (requeued || failed) this.logger.warn({ requeued, failed }, 'swept submissions whose grading job was lost');
    await this.sweepValidations(now);
    return { requeued, failed };
  }

  /** Versions pending validation whose job Redis no longer has are queued again (same job id). */
  private async sweepValidations(now: Date): Promise<void> {
    const pending = await this.versions.pendingCreatedBefore(new Date(now.getTime() - VALIDATION_GRACE_MS));
    for (const versionId of pending) {
      if (await this.gradingQueue.isPending(validationJobId(versionId))) continue;
      // A finished job that left the version pending cannot be queued again under its id.
      if (await this.gradingQueue.isFinished(validationJobId(versionId))) await this.validation.fail(versionId, 'its validation job ended without a result; publish again');
      else await this.gradingQueue.enqueueValidation(versionId);
    }
  }
}
