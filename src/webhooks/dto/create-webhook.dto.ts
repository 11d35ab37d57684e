import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, ValidateBy, type ValidationArguments } from 'class-validator';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../webhook-events';
import { webhookUrlProblem } from '../webhook-url';
import { Optional } from '../../common/http/optional';

/** class-validator wrapper of webhookUrlProblem: the reason names exactly what is wrong. */
function IsWebhookUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isWebhookUrl',
    validator: {
      validate: (value: unknown) => webhookUrlProblem(value) === null,
      defaultMessage: (args?: ValidationArguments) => webhookUrlProblem(args?.value)?.reason ?? 'must be an absolute http:// or https:// URL',
    },
  });
}

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://lms.example.edu/hooks/memgrade', description: 'http:// or https:// URL that receives POSTs' })
  @IsWebhookUrl()
  url!: string;

  @ApiPropertyOptional({ example: ['submission.graded'], enum: WEBHOOK_EVENTS, isArray: true, default: ['submission.graded'] })
  @Optional()
  @IsArray({ message: `must be an array of event names (${WEBHOOK_EVENTS.join(', ')})` })
  @ArrayNotEmpty({ message: 'must name at least one event' })
  @ArrayUnique({ message: 'must not repeat an event' })
  @IsIn(WEBHOOK_EVENTS, { each: true, message: `must contain only known events (${WEBHOOK_EVENTS.join(', ')})` })
  events?: WebhookEvent[];
}
