import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../common/http/optional';
import { MEMBER_ROLES, type MemberRole } from './member.dto';

export const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
const SLUG_MESSAGE = 'must be 1 to 63 lower-case letters, digits or "-", starting with a letter or digit';

export class CreateCourseDto {
  @ApiProperty({ example: 'python-memory' })
  @IsString()
  @Matches(SLUG, { message: SLUG_MESSAGE })
  slug!: string;

  @ApiProperty({ example: 'Memory management in Python' })
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional({ enum: ['best', 'latest'], description: 'Which score per exercise the gradebook shows' })
  @Optional()
  @IsIn(['best', 'latest'])
  gradebookPolicy?: 'best' | 'latest';
}

export class UpdateCourseDto {
  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ enum: ['best', 'latest'] })
  @Optional()
  @IsIn(['best', 'latest'])
  gradebookPolicy?: 'best' | 'latest';
}

export class EnrolDto {
  @ApiProperty({ format: 'uuid' })
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'must be a user id (uuid)' })
  userId!: string;

  @ApiProperty({ enum: MEMBER_ROLES })
  @IsIn(MEMBER_ROLES, { message: 'must be one of student, ta, instructor' })
  role!: MemberRole;
}

export class LmsStudentDto {
  @ApiProperty({ example: 'lms-user-4711', description: "The student's id in the LMS" })
  @IsString()
  @Matches(/^[A-Za-z0-9_.:@-]{1,200}$/, { message: 'must be 1 to 200 characters of letters, digits, "_", ".", ":", "@" or "-"' })
  externalId!: string;

  @ApiProperty({ example: 'Grace Hopper', description: 'updated when it changed' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiPropertyOptional({ example: 'grace@example.edu', description: 'updated when given; must not be taken by another user' })
  @Optional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(320, { message: 'must be at most 320 characters' })
  email?: string;
}

export class CreateLmsKeyDto {
  @ApiProperty({ example: 'Moodle production' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

/** The answer of revoking an LMS student's sign-in keys. */
export class RevokedKeysView {
  @ApiProperty({ example: 1, description: 'how many keys were still active and are revoked now' })
  revoked!: number;
}
