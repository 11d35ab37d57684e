import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { GradingQueueModule } from '../queue/grading-queue.module';
import { CatalogService } from './catalog.service';
import { ExercisePublishingService } from './exercise-publishing.service';
import { ExerciseRepository } from './exercise.repository';
import { ExercisesController } from './exercises.controller';
import { ExercisesService } from './exercises.service';

@Module({
  imports: [AccessModule, GradingQueueModule],
  controllers: [ExercisesController],
  providers: [ExercisesService, ExercisePublishingService, CatalogService, ExerciseRepository],
  exports: [ExercisesService, ExercisePublishingService, CatalogService, ExerciseRepository],
})
export class ExercisesModule {}
