import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CoursesModule } from '../courses/courses.module';
import { GradebookController } from './gradebook.controller';
import { GradebookService } from './gradebook.service';

@Module({ imports: [AccessModule, CoursesModule], controllers: [GradebookController], providers: [GradebookService] })
export class GradebookModule {}
