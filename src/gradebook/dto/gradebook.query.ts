import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn } from 'class-validator';
import { GRADEBOOK_FORMATS, GRADEBOOK_POLICIES, type GradebookFormat, type GradebookPolicy } from '../gradebook.types';
import { Optional } from '../../common/http/optional';

export class GradebookQuery {
  @ApiPropertyOptional({ enum: GRADEBOOK_POLICIES, description: "which graded submission counts per exercise; default: the course's gradebookPolicy" })
  @Optional()
  @IsIn(GRADEBOOK_POLICIES, { message: `must be one of ${GRADEBOOK_POLICIES.join(', ')}` })
  policy?: GradebookPolicy;

  @ApiPropertyOptional({ enum: GRADEBOOK_FORMATS, description: 'json (default) or csv (also chosen by "Accept: text/csv")' })
  @Optional()
  @IsIn(GRADEBOOK_FORMATS, { message: `must be one of ${GRADEBOOK_FORMATS.join(', ')}` })
  format?: GradebookFormat;

  @ApiPropertyOptional({
    type: Boolean,
    description:
      'csv only: true adds a <exercise-slug>_flag column per exercise after total, with the highest flag severity of the counting submission (empty when not flagged). JSON cells always carry flagSeverity when flagged',
  })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'must be true or false' })
  flags?: boolean;
}
