import { Module } from '@nestjs/common';
import { GradingJobRepository } from './grading-job.repository';
import { GradingQueueService } from './grading-queue.service';

/** The producer side of grading, shared by the API and the worker's sweeper. */
@Module({ providers: [GradingQueueService, GradingJobRepository], exports: [GradingQueueService] })
export class GradingQueueModule {}
