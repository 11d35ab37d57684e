import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmptyObject, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../common/http/optional';
import { EXERCISE_REFERENCE } from '../../submissions/dto/create-submission.dto';

/** Text without a NUL byte (Postgres and argv both refuse one). */
// eslint-disable-next-line no-control-regex -- the NUL byte is exactly what is refused
const NO_NUL = /^[^\u0000]*$/;

/** Longest snippet accepted (characters): a few lines typed to try a function, not a program. */
export const MAX_SNIPPET_CHARS = 16 * 1024;

export class CreateTryRunDto {
  @ApiProperty({ example: 'python-memory/weak-cache', description: '"<course-slug>/<exercise-slug>"' })
  @IsString()
  @Matches(EXERCISE_REFERENCE, { message: 'must look like "<course-slug>/<exercise-slug>" (lower-case letters, digits, "-")' })
  exercise!: string;

  @ApiProperty({ example: { 'solution.py': 'print(sum(range(10)))\n' }, description: "the exercise's student files, file name → source (as for a submission)" })
  @IsObject({ message: 'must be an object mapping file names to their source' })
  @IsNotEmptyObject({}, { message: 'must contain at least one file' })
  files!: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'solution.py', description: 'the student file to run with `python3 <file>`; default: the first student file' })
  @Optional()
  @IsString()
  entry?: string;

  @ApiPropertyOptional({
    example: 'import solution\nprint(solution.lookup("a"))',
    description: `Python run with \`python3 -c\` in the folder of the files instead of the entry file (at most ${MAX_SNIPPET_CHARS} characters)`,
  })
  @Optional()
  @IsString({ message: 'must be Python source as a string' })
  @MaxLength(MAX_SNIPPET_CHARS, { message: `must be at most ${MAX_SNIPPET_CHARS} characters` })
  @Matches(NO_NUL, { message: 'must be text (it contains a NUL byte)' })
  snippet?: string;
}
