import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsUUID, ValidateBy } from 'class-validator';
import { Optional } from '../../common/http/optional';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export class ListDeliveriesQuery {
  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @Optional()
  @IsUUID('all', { message: 'must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @Optional()
  @Type(() => Number)
  @ValidateBy(
    { name: 'pageSize', validator: { validate: (value: unknown) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= MAX_PAGE_SIZE } },
    { message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` },
  )
  limit?: number;
}
