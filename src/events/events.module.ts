import { Global, Module } from '@nestjs/common';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { StatusEventsSubscriber } from './status-events.subscriber';
import { SubmissionEventsService } from './submission-events.service';

/** Live status events (Redis pub/sub) and the domain-event outbox, for every process. */
@Global()
@Module({ providers: [SubmissionEventsService, OutboxService, StatusEventsSubscriber], exports: [SubmissionEventsService, OutboxService] })
export class EventsModule {}

/** The outbox's relay: only in processes that should dispatch events (the worker). */
@Module({ providers: [OutboxRelay, OutboxRepository], exports: [OutboxRelay] })
export class OutboxRelayModule {}
