import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { FLAG_SEVERITIES, type FlagSeverity } from '../../results/flag-summary';
import { SLUG } from '../../courses/dto/course.dto';
import { Optional } from '../../common/http/optional';

export class ListSubmissionsDto {
  @ApiPropertyOptional({ description: 'course slug' })
  @Optional()
  @Matches(SLUG, { message: 'must be a course slug' })
  course?: string;

  @ApiPropertyOptional({ description: 'exercise slug (with course)' })
  @Optional()
  @Matches(SLUG, { message: 'must be an exercise slug' })
  exercise?: string;

  @ApiPropertyOptional({ description: 'user id of the student (staff only)' })
  @Optional()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'must be a user id (uuid)' })
  student?: string;

  @ApiPropertyOptional({ enum: ['queued', 'running', 'graded', 'error'] })
  @Optional()
  @IsIn(['queued', 'running', 'graded', 'error'])
  status?: 'queued' | 'running' | 'graded' | 'error';

  @ApiPropertyOptional({
    type: Boolean,
    description: 'course staff only: true = only submissions whose latest run has flags or "evidence disagreed" marks; false = only those without',
  })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  flagged?: boolean;

  @ApiPropertyOptional({
    enum: FLAG_SEVERITIES,
    description: 'course staff only: only submissions flagged at least this severely (high; medium = medium or high; low = any flag). Evidence marks count as high',
  })
  @Optional()
  @IsIn(FLAG_SEVERITIES, { message: `must be one of ${FLAG_SEVERITIES.join(', ')}` })
  flagSeverity?: FlagSeverity;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, { message: 'must be the nextCursor of a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
