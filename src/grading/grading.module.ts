import { Module } from '@nestjs/common';
import { SandboxModule } from '../sandbox';
import { SubmissionGrader } from '../results/grade-outcome';
import { GradingQueueModule } from '../queue/grading-queue.module';
import { GradingProcessor } from './grading.processor';
import { ExerciseValidationRepository } from './exercise-validation.repository';
import { ExerciseValidationService } from './exercise-validation.service';
import { GradingRunRepository } from './grading-run.repository';
import { GradingService } from './grading.service';
import { HarnessGrader } from './harness.grader';
import { InfrastructureBreaker } from './infrastructure-breaker';
import { OrphanReaperService } from './orphan-reaper.service';
import { SandboxPoolStats } from './sandbox-pool-stats';
import { SubmissionSweeper } from './submission-sweeper';
import { TryRunProcessor } from './try-run.processor';
import { WorkerHeartbeatService } from './worker-heartbeat.service';

/** The worker's side of grading: consume jobs, run the sandbox, store results, sweep, heartbeat, pause during outages, reap orphans; run students' code without grading (try-runs). */
@Module({
  imports: [SandboxModule, GradingQueueModule],
  providers: [
    GradingRunRepository,
    ExerciseValidationRepository,
    GradingService,
    ExerciseValidationService,
    GradingProcessor,
    TryRunProcessor,
    InfrastructureBreaker,
    OrphanReaperService,
    SubmissionSweeper,
    WorkerHeartbeatService,
    SandboxPoolStats,
    { provide: SubmissionGrader, useClass: HarnessGrader },
  ],
  exports: [GradingService, SandboxPoolStats],
})
export class GradingModule {}
