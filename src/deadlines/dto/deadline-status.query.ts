import { ApiPropertyOptional } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { Optional } from '../../common/http/optional';

export class DeadlineStatusQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'staff: the student whose standing to read (students read their own)' })
  @Optional()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'must be a user id (uuid)' })
  student?: string;
}
