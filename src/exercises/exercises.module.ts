import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { GradingQueueModule } from '../grading/grading-queue.module';
import { CatalogService } from './catalog.service';
import { ExercisePublishingService } from './exercise-publishing.service';
import { ExercisesController } from './exercises.controller';
import { ExercisesService } from './exercises.service';

@Module({
  imports: [AccessModule, GradingQueueModule],
  controllers: [ExercisesController],
  providers: [ExercisesService, ExercisePublishingService, CatalogService],
  exports: [ExercisesService, ExercisePublishingService, CatalogService],
})
export class ExercisesModule {}
