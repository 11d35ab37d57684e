import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../common/http/optional';

export const MEMBER_ROLES = ['student', 'ta', 'instructor'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];
const ROLE_MESSAGE = 'must be one of student, ta, instructor';
export const EXTERNAL_ID = /^[A-Za-z0-9_.:@-]{1,200}$/;
export const EXTERNAL_ID_MESSAGE = 'must be 1 to 200 characters of letters, digits, "_", ".", ":", "@" or "-"';

/**
 * One member to add: an existing user by `userId`, or a person by `email` and/or `externalId`
 * (the course's LMS id), found if memgrade knows them, otherwise created as a student-level user
 * with `displayName`.
 */
export class AddMemberDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'An existing user; then leave email, externalId and displayName out' })
  @Optional()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, { message: 'must be a user id (uuid)' })
  userId?: string;

  @ApiPropertyOptional({ example: 'ada@example.edu' })
  @Optional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ example: 's-1017', description: "The person's id in the course's LMS (the same id an lms key uses)" })
  @Optional()
  @IsString()
  @Matches(EXTERNAL_ID, { message: EXTERNAL_ID_MESSAGE })
  externalId?: string;

  @ApiPropertyOptional({ example: 'Ada Lovelace', description: 'Needed when the person is created' })
  @Optional()
  @IsString()
  @Length(1, 200)
  displayName?: string;

  @ApiProperty({ enum: MEMBER_ROLES, description: 'Instructors may create students and TAs; an admin also instructors. Existing users may be given any of the three.' })
  @IsIn(MEMBER_ROLES, { message: ROLE_MESSAGE })
  role!: MemberRole;
}

export class ChangeMemberRoleDto {
  @ApiProperty({ enum: MEMBER_ROLES })
  @IsIn(MEMBER_ROLES, { message: ROLE_MESSAGE })
  role!: MemberRole;
}

export const ROSTER_IMPORT_MAX_BYTES = 1024 * 1024;

export class ImportRosterDto {
  @ApiProperty({
    description: 'CSV text with a header row: email and/or external_id, name, role (UTF-8, BOM and CRLF accepted)',
    example: 'email,name,role\nada@example.edu,Ada Lovelace,student\n',
  })
  @IsString()
  @Length(1, ROSTER_IMPORT_MAX_BYTES, { message: `must be CSV text of 1 to ${ROSTER_IMPORT_MAX_BYTES} characters` })
  csv!: string;
}
