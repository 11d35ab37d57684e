import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module';
import { GradebookController } from './gradebook.controller';
import { GradebookService } from './gradebook.service';

@Module({ imports: [CoursesModule], controllers: [GradebookController], providers: [GradebookService] })
export class GradebookModule {}
