import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { DeadlinesController } from './deadlines.controller';
import { DeadlinesService } from './deadlines.service';

@Module({ imports: [AccessModule], controllers: [DeadlinesController], providers: [DeadlinesService], exports: [DeadlinesService] })
export class DeadlinesModule {}
