import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { GradebookController } from './gradebook.controller';
import { GradebookRepository } from './gradebook.repository';
import { GradebookService } from './gradebook.service';

@Module({ imports: [AccessModule], controllers: [GradebookController], providers: [GradebookService, GradebookRepository] })
export class GradebookModule {}
