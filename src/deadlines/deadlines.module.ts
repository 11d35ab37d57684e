import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CoursesModule } from '../courses/courses.module';
import { DeadlinesController } from './deadlines.controller';
import { DeadlinesService } from './deadlines.service';

@Module({ imports: [AccessModule, CoursesModule], controllers: [DeadlinesController], providers: [DeadlinesService], exports: [DeadlinesService] })
export class DeadlinesModule {}
