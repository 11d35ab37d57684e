import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { WebhookDeliverySweeper } from './webhook-delivery-sweeper';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** The producer side: WebhookDispatcher, a subscriber of the outbox's events, creates deliveries and queues them. */
@Module({ providers: [WebhookDispatcher], exports: [WebhookDispatcher] })
export class WebhooksModule {}

/** The HTTP API of webhooks: registration, listing, deletion, delivery log. Imported by AppModule. */
@Module({ imports: [AccessModule], controllers: [WebhooksController], providers: [WebhooksService] })
export class WebhooksApiModule {}

/** The worker side: sends queued deliveries and re-queues lost ones. Imported by WorkerModule only. */
@Module({ imports: [WebhooksModule], providers: [WebhookDeliveryProcessor, WebhookDeliverySweeper] })
export class WebhookDeliveryModule {}
