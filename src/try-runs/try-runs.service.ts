import { randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { Principal } from '../auth/principal';
import { ForbiddenError, InvalidInputError, NotFoundError, RateLimitedError, ServiceUnavailableError } from '../common/errors/domain-errors';
import { AppConfigService } from '../config/app-config';
import type { ExerciseSpec } from '../exercises/exercise-spec';
import { ExercisesService } from '../exercises/exercises.service';
import { notRunResult, TRY_RUNS_QUEUE, TryRunJob, type TryRunPayload, type TryRunResult } from '../queue/try-runs';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { checkSubmissionFiles } from '../submissions/submission-files';
import type { CreateTryRunDto } from './dto/create-try-run.dto';
import type { TryRunStatus } from './dto/try-run-view.dto';

export interface TryRunView {
  id: string;
  exercise: string;
  status: TryRunStatus;
  result?: TryRunResult;
}

/** How often a waiting POST looks at its job; a run takes at least a few hundred ms. */
const POLL_MS = 100;

/**
 * "Run" without grading. The API never touches Docker: it checks the request, counts it against the
 * student's per-minute allowance and puts a job on the try-runs queue, which only workers consume,
 * then waits up to TRY_RUN_WAIT_SECONDS for the outcome (polling Redis, so the wait costs the event
 * loop nothing). A run not done by then is answered 202 and read with GET /runs/{id}. Nothing is
 * written to Postgres: no submission, no attempt, no gradebook cell; the outcome lives in Redis for an hour.
 */
@Injectable()
export class TryRunsService {
  constructor(
    @InjectQueue(TRY_RUNS_QUEUE) private readonly queue: Queue<TryRunPayload, TryRunResult>,
    private readonly exercises: ExercisesService,
    private readonly limiter: RateLimitService,
    private readonly config: AppConfigService,
  ) {}

  async start(principal: Principal, dto: CreateTryRunDto): Promise<TryRunView> {
    if (principal.role === 'lms') throw new ForbiddenError('runs are for people trying their code: an lms key cannot start one (sign the student in instead)');
    const { spec } = await this.exercises.currentVersionFor(principal, dto.exercise);
    const files = checkSubmissionFiles(dto.files, spec.studentFiles);
    const entry = dto.entry ?? spec.studentFiles[0];
    if (!spec.studentFiles.includes(entry)) {
      throw new InvalidInputError(`entry must be a student file of this exercise (${spec.studentFiles.join(', ')})`, [
        { field: 'entry', reason: `must be one of ${spec.studentFiles.join(', ')}` },
      ]);
    }
    const values = this.config.values;

    // A full queue is the platform's state, not the student's doing: refuse before counting the run.
    if ((await this.queue.getWaitingCount()) >= values.TRY_RUN_MAX_QUEUED) {
      throw new ServiceUnavailableError(`too many runs are waiting for a sandbox (${values.TRY_RUN_MAX_QUEUED}); retry in a few seconds`);
    }
    const limit = values.TRY_RUN_RATE_LIMIT_PER_MINUTE;
    const decision = await this.limiter.consume({ name: 'try-runs', limit, windowSeconds: 60 }, `user:${principal.userId}`);
    if (!decision.allowed) {
      throw new RateLimitedError(
        `too many runs: at most ${limit} per minute per student (runs without grading share one allowance across all your keys and exercises); retry in ${decision.resetSeconds} s`,
        decision.resetSeconds,
      );
    }

    const payload: TryRunPayload = {
      userId: principal.userId,
      exercise: dto.exercise,
      files,
      entry,
      ...(dto.snippet !== undefined ? { snippet: dto.snippet } : {}),
      limits: {
        memoryMiB: studentMemoryMiB(spec),
        timeSeconds: Math.min(spec.limits.timeSeconds, values.TRY_RUN_TIME_SECONDS),
        outputBytes: values.TRY_RUN_OUTPUT_BYTES,
      },
    };
    const job = await this.queue.add(TryRunJob.run, payload, { jobId: randomUUID() });
    return this.waitFor(job, values.TRY_RUN_WAIT_SECONDS * 1000);
  }

  /** A run of the caller's own; someone else's (or one past its hour) is 404. */
  async get(principal: Principal, id: string): Promise<TryRunView> {
    const job = /^[0-9a-f-]{36}$/.test(id) ? await this.queue.getJob(id) : undefined;
    if (!job || job.data.userId !== principal.userId) {
      throw new NotFoundError(`run ${id.slice(0, 100)} does not exist (runs are kept for an hour, for whoever started them)`, [{ field: 'id', reason: 'names no run of yours' }]);
    }
    return this.viewOf(job);
  }

  private async waitFor(job: Job<TryRunPayload, TryRunResult>, waitMs: number): Promise<TryRunView> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const view = await this.viewOf(job);
      if (view.status === 'done' || Date.now() >= deadline) return view;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async viewOf(job: Job<TryRunPayload, TryRunResult>): Promise<TryRunView> {
    const base = { id: job.id!, exercise: job.data.exercise };
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') {
      const fresh = (await this.queue.getJob(job.id!)) ?? job;
      const result = state === 'completed' && fresh.returnvalue ? fresh.returnvalue : failedResult(job.data, fresh.failedReason);
      return { ...base, status: 'done', result };
    }
    return { ...base, status: state === 'active' ? 'running' : 'queued' };
  }
}

/**
 * The memory a student's code gets in one test when graded (the exercise's `defaults.memory_mib`,
 * else the format's 256 MiB), never more than the exercise's container: a try-run that fits is one
 * whose code would fit when graded. The container's own limit carries headroom for the judge.
 */
export function studentMemoryMiB(spec: ExerciseSpec): number {
  const defaults = (spec.plan?.defaults ?? {}) as { memory_mib?: unknown };
  const perTest = typeof defaults.memory_mib === 'number' ? defaults.memory_mib : 256;
  return Math.min(perTest, spec.limits.memoryMiB);
}

/** A job that threw in the worker (it should not: the processor turns everything into an outcome). */
function failedResult(payload: TryRunPayload, reason: string | undefined): TryRunResult {
  const why = reason ? `: ${reason.slice(0, 200)}` : '';
  return notRunResult(payload, 'sandbox_error', `the sandbox could not run the code (not your program’s fault${why}); press Run again in a moment`);
}
