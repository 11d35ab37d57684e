import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module';
import { ExercisesController } from './exercises.controller';
import { ExercisesService } from './exercises.service';

@Module({ imports: [CoursesModule], controllers: [ExercisesController], providers: [ExercisesService], exports: [ExercisesService] })
export class ExercisesModule {}
