// The error body every route answers with (error.filter.ts builds it), for the OpenAPI document.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FieldProblem } from '../../errors/domain-errors';
import type { ErrorBody } from '../error-body';
import { sameKeys } from './same-keys';

export class FieldProblemDto implements FieldProblem {
  @ApiProperty({ example: 'exercise' }) field!: string;
  @ApiProperty({ example: 'is required' }) reason!: string;
}

export class ErrorBodyDto implements ErrorBody {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'exercise is required' }) message!: string;
  @ApiPropertyOptional({ type: [FieldProblemDto], description: 'the fields at fault, for bad input' }) fields?: FieldProblemDto[];
  @ApiPropertyOptional({ description: 'the id of the request in the logs' }) requestId?: string;
}

// Optional fields too: see same-keys.ts.
sameKeys<FieldProblemDto, FieldProblem>(true);
sameKeys<ErrorBodyDto, ErrorBody>(true);
