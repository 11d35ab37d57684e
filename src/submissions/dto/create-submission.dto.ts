import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmptyObject, IsObject, IsString, Matches } from 'class-validator';

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
}
