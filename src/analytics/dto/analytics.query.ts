import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Optional } from '../../common/http/optional';
import type { AnalyticsBasis } from '../analytics.repository';
import { ANALYTICS_BASES } from './exercise-analytics.dto';

export class AnalyticsQuery {
  @ApiPropertyOptional({ enum: ANALYTICS_BASES, description: "counting (default): each student's submission that counts under the gradebook policy; all: every graded submission" })
  @Optional()
  @IsIn(ANALYTICS_BASES, { message: `must be one of ${ANALYTICS_BASES.join(', ')}` })
  basis?: AnalyticsBasis;

  @ApiPropertyOptional({ description: 'version number; default: the current version (else the newest)' })
  @Optional()
  @Type(() => Number)
  @IsInt({ message: 'must be a version number' })
  @Min(1, { message: 'must be a version number' })
  @Max(2_000_000_000, { message: 'must be a version number' })
  version?: number;
}
