import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DeadlineRepository } from './deadline.repository';
import { DeadlinesController } from './deadlines.controller';
import { DeadlinesService } from './deadlines.service';

@Module({ imports: [AccessModule], controllers: [DeadlinesController], providers: [DeadlinesService, DeadlineRepository], exports: [DeadlinesService] })
export class DeadlinesModule {}
