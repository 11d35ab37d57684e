// What the webhooks routes answer (WebhooksService builds these shapes): one definition for the
// service and the OpenAPI document.
import { ApiProperty } from '@nestjs/swagger';
import type { DeliveryStatus } from '../../generated/prisma/enums';
import { WEBHOOK_EVENTS } from '../webhook-events';

const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const satisfies readonly DeliveryStatus[];

export class WebhookEndpointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'python-memory' }) course!: string;
  @ApiProperty({ example: 'https://lms.example.edu/memgrade-hook' }) url!: string;
  @ApiProperty({ type: [String], enum: WEBHOOK_EVENTS }) events!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty({ enum: ['course', 'api-key'], description: '"course": registered by course staff; "api-key": registered by (and tied to) an lms key' }) owner!:
    'course' | 'api-key';
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) apiKeyId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedWebhookEndpoint extends WebhookEndpointView {
  @ApiProperty({ description: 'the HMAC-SHA256 signing key: shown only in this response' }) secret!: string;
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS }) event!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) submissionId!: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status!: DeliveryStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
}

export class WebhookDeliveryWithPayload extends WebhookDeliveryView {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the JSON body that was (or will be) posted' }) payload!: unknown;
}

export class DeliveryPage {
  @ApiProperty({ type: [WebhookDeliveryView] }) items!: WebhookDeliveryView[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as ?cursor= for the next (older) page; null on the last page' }) nextCursor!: string | null;
}
