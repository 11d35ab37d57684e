import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { BackpressureModule } from '../backpressure/backpressure.module';
import { CoursesModule } from '../courses/courses.module';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { ExercisesModule } from '../exercises/exercises.module';
import { GradingQueueModule } from '../queue/grading-queue.module';
import { SubmissionsController } from './submissions.controller';
import { SubmissionStreamService } from './submission-stream.service';
import { RegradeRepository } from './regrade.repository';
import { RegradesService } from './regrades.service';
import { SubmissionRepository } from './submission.repository';
import { SubmissionsService } from './submissions.service';
import { VersionRegradeController } from './version-regrade.controller';

@Module({
  imports: [AccessModule, CoursesModule, ExercisesModule, DeadlinesModule, GradingQueueModule, BackpressureModule],
  controllers: [SubmissionsController, VersionRegradeController],
  providers: [SubmissionsService, SubmissionStreamService, RegradesService, SubmissionRepository, RegradeRepository],
  exports: [SubmissionsService, SubmissionRepository],
})
export class SubmissionsModule {}
