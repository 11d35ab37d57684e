import { Global, Module } from '@nestjs/common';
import { SubmissionEventsService } from './submission-events.service';

@Global()
@Module({ providers: [SubmissionEventsService], exports: [SubmissionEventsService] })
export class EventsModule {}
