import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { ListDeliveriesQuery } from './dto/list-deliveries.query';
import { slugPipe } from '../common/http/path-params';
import { CreatedWebhookEndpoint, DeliveryPage, WebhookDeliveryWithPayload, WebhookEndpointView } from './dto/webhook-views.dto';
import { WebhooksService } from './webhooks.service';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('api/v1')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('courses/:courseSlug/webhooks')
  @ApiOperation({
    summary: 'Register a webhook endpoint (course staff: for the course; an lms key: tied to that key)',
    description: 'The signing secret is in this response only. See the README for the signature recipe.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookEndpoint })
  register(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string, @Body() dto: CreateWebhookDto): Promise<CreatedWebhookEndpoint> {
    return this.webhooks.register(principal, courseSlug, dto);
  }

  @Get('courses/:courseSlug/webhooks')
  @ApiOperation({ summary: 'Webhook endpoints of a course (an lms key sees its own); secrets are never listed' })
  @ApiOkResponse({ type: [WebhookEndpointView] })
  list(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string): Promise<WebhookEndpointView[]> {
    return this.webhooks.list(principal, courseSlug);
  }

  @Get('webhooks/:id')
  @ApiOperation({ summary: 'One webhook endpoint (no secret)' })
  @ApiOkResponse({ type: WebhookEndpointView })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<WebhookEndpointView> {
    return this.webhooks.get(principal, id);
  }

  @Delete('webhooks/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook endpoint and its delivery log' })
  @ApiNoContentResponse()
  remove(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<void> {
    return this.webhooks.remove(principal, id);
  }

  @Get('webhooks/:id/deliveries')
  @ApiOperation({ summary: 'Delivery log of an endpoint, newest first: { items, nextCursor }' })
  @ApiOkResponse({ type: DeliveryPage })
  deliveries(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Query() query: ListDeliveriesQuery): Promise<DeliveryPage> {
    return this.webhooks.deliveries(principal, id, query);
  }

  @Get('webhooks/:id/deliveries/:deliveryId')
  @ApiOperation({ summary: 'One delivery with its JSON payload' })
  @ApiOkResponse({ type: WebhookDeliveryWithPayload })
  delivery(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Param('deliveryId') deliveryId: string): Promise<WebhookDeliveryWithPayload> {
    return this.webhooks.delivery(principal, id, deliveryId);
  }
}
