import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { WebhookDeliverySweeper } from './webhook-delivery-sweeper';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** The producer side: WebhookDispatcher, a subscriber of the outbox's events, creates deliveries and queues them. */
@Module({
  providers: [WebhookDispatcher, WebhookEndpointRepository, WebhookDeliveryRepository],
  exports: [WebhookDispatcher, WebhookEndpointRepository, WebhookDeliveryRepository],
})
export class WebhooksModule {}

/** The HTTP API of webhooks: registration, listing, deletion, delivery log. Imported by AppModule. */
@Module({ imports: [AccessModule], controllers: [WebhooksController], providers: [WebhooksService, WebhookEndpointRepository, WebhookDeliveryRepository] })
export class WebhooksApiModule {}

/** The worker side: sends queued deliveries and re-queues lost ones (with WebhooksModule's repositories). Imported by WorkerModule only. */
@Module({ imports: [WebhooksModule], providers: [WebhookDeliveryProcessor, WebhookDeliverySweeper] })
export class WebhookDeliveryModule {}
