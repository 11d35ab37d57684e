import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmptyObject, IsObject, IsString, Matches } from 'class-validator';
import { Optional } from '../../common/http/optional';

export const EXERCISE_REFERENCE = /^[a-z0-9][a-z0-9-]{0,62}\/[a-z0-9][a-z0-9-]{0,62}$/;

export class CreateSubmissionDto {
  @ApiProperty({ example: 'python-memory/weak-cache', description: '"<course-slug>/<exercise-slug>"' })
  @IsString()
  @Matches(EXERCISE_REFERENCE, { message: 'must look like "<course-slug>/<exercise-slug>" (lower-case letters, digits, "-")' })
  exercise!: string;

  @ApiProperty({ example: { 'solution.py': 'def f():\n    return 1\n' }, description: 'file name → source' })
  @IsObject({ message: 'must be an object mapping file names to their source' })
  @IsNotEmptyObject({}, { message: 'must contain at least one file' })
  files!: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'lms-user-4711', description: "lms keys only: the LMS's id of the student submitting" })
  @Optional()
  @IsString()
  @Matches(/^[A-Za-z0-9_.:@-]{1,200}$/, { message: 'must be the external id of a student of the course' })
  student?: string;
}
