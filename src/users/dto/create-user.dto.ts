import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length } from 'class-validator';
import { Optional } from '../../common/http/optional';

export class CreateUserDto {
  @ApiProperty({ enum: ['admin', 'instructor', 'student'] })
  @IsIn(['admin', 'instructor', 'student'], { message: 'must be one of admin, instructor, student (lms keys are made per course)' })
  role!: 'admin' | 'instructor' | 'student';

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiPropertyOptional({ example: 'ada@example.org' })
  @Optional()
  @IsEmail({}, { message: 'must be an email address' })
  email?: string;
}
