import { Module } from '@nestjs/common';
import { BackpressureRepository } from './backpressure.repository';
import { QueuePositionService } from './queue-position.service';
import { SubmissionBackpressureService } from './submission-backpressure.service';

/** The API's side of back-pressure: priorities, the queued limit, and a queued submission's place. */
@Module({
  providers: [QueuePositionService, SubmissionBackpressureService, BackpressureRepository],
  exports: [QueuePositionService, SubmissionBackpressureService],
})
export class BackpressureModule {}
