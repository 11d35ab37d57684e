import { Processor } from '@nestjs/bullmq';
import { Logger, type OnModuleInit } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { AppConfigService } from '../config/app-config';
import { TRY_RUN_STALE_MS, TRY_RUNS_QUEUE, TryRunJob, type TryRunPayload, type TryRunResult } from '../queue/try-runs';
import { SandboxService } from '../sandbox';
import { describeTryRun, expiredTryRun, tryRunRequest } from './try-run';
import { QuietWorkerHost } from '../queue/quiet-worker-host';

/**
 * Runs "Run" requests (issue 12, item 2) on their own queue, so a burst of them never holds up
 * grading and a grading backlog never holds them up; the worker's slots for them are
 * TRY_RUN_CONCURRENCY. Whatever the code does (loops, forks, allocates, floods output) the sandbox
 * turns into a verdict and this returns an outcome: a try-run job does not fail for the student's code.
 */
@Processor(TRY_RUNS_QUEUE)
export class TryRunProcessor extends QuietWorkerHost implements OnModuleInit {
  private readonly logger = new Logger(TryRunProcessor.name);

  constructor(
    private readonly sandbox: SandboxService,
    private readonly config: AppConfigService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.values.TRY_RUN_CONCURRENCY;
  }

  protected async handle(job: Job<TryRunPayload>): Promise<TryRunResult> {
    if (job.name !== TryRunJob.run) throw new UnrecoverableError(`unknown try-run job ${job.name}`);
    if (Date.now() - job.timestamp > TRY_RUN_STALE_MS) return expiredTryRun(job.data);
    const run = await this.sandbox.run(tryRunRequest(job.data));
    const result = describeTryRun(run, job.data);
    this.logger.log({ tryRun: job.id, exercise: job.data.exercise, outcome: result.outcome, wallMs: result.wallMs, error: run.error }, 'try-run finished');
    return result;
  }
}
