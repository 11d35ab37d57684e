import { Module } from '@nestjs/common';
import { ExercisesModule } from '../exercises/exercises.module';
import { TryRunsController } from './try-runs.controller';
import { TryRunsService } from './try-runs.service';

/** "Run" without grading, the API's side: validate, rate-limit, enqueue, wait briefly (the worker runs it: grading/try-run.processor.ts). */
@Module({
  imports: [ExercisesModule],
  controllers: [TryRunsController],
  providers: [TryRunsService],
})
export class TryRunsModule {}
