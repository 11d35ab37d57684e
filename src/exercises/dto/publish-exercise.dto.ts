import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmptyObject, IsObject, IsString, Matches } from 'class-validator';
import { EXERCISE_SLUG } from '../format/exercise-format';

export class PublishExerciseDto {
  @ApiProperty({ example: 'weak-cache', description: 'the exercise slug (its folder name)' })
  @IsString()
  @Matches(EXERCISE_SLUG, { message: 'must be 1 to 63 lower-case letters, digits or "-"' })
  slug!: string;

  @ApiProperty({
    example: { 'exercise.yaml': 'title: …', 'statement.md': '# …', 'starter/solution.py': '…', 'reference/solution.py': '…', 'tests/test_x.py': '…' },
    description: 'every file of the exercise folder: relative path → UTF-8 content (or upload a .zip as multipart "archive")',
  })
  @IsObject({ message: 'must map relative paths to file contents' })
  @IsNotEmptyObject({}, { message: 'must contain the files of the exercise folder' })
  files!: Record<string, string>;
}
