// What the roster routes answer (course-members.service.ts, roster-import.service.ts build these
// shapes): one definition for the services and the OpenAPI document.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IssuedKeyView } from '../../users/dto/user-views.dto';
import { MEMBER_ROLES, type MemberRole } from './member.dto';

export const MEMBER_OUTCOMES = ['created', 'enrolled', 'role_changed', 'unchanged'] as const;
export type MemberOutcome = (typeof MEMBER_OUTCOMES)[number];

/** One person on a course's roster, as its staff see them. */
export class MemberView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The person's id in the course's LMS" }) externalId!: string | null;
  @ApiProperty({ enum: MEMBER_ROLES }) role!: MemberRole;
  @ApiProperty({ format: 'date-time' }) enrolledAt!: string;
}

export class AddMemberResponse {
  @ApiProperty({ enum: MEMBER_OUTCOMES }) outcome!: MemberOutcome;
  @ApiProperty({ type: MemberView }) member!: MemberView;
  @ApiPropertyOptional({ type: IssuedKeyView, description: 'Only when the person was created: their first key, bound to this course' }) key?: IssuedKeyView;
}

export class RosterImportRowView {
  @ApiProperty({ description: 'The line of the file the row ends on (the header is line 1)' }) row!: number;
  @ApiProperty({ enum: [...MEMBER_OUTCOMES, 'error'] }) outcome!: MemberOutcome | 'error';
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true }) externalId!: string | null;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) role!: string | null;
  @ApiPropertyOptional({ format: 'uuid' }) userId?: string;
  @ApiPropertyOptional({ description: 'For an error: the column at fault' }) field?: string;
  @ApiPropertyOptional({ description: 'For an error: why nothing was written for this row' }) reason?: string;
}

export class RosterImportCounts {
  @ApiProperty() created!: number;
  @ApiProperty() enrolled!: number;
  @ApiProperty() role_changed!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() error!: number;
}

export class RosterImportReport {
  @ApiProperty() course!: string;
  @ApiProperty({ enum: ['per-row'], description: 'Each row is applied in its own transaction: a bad row is reported and writes nothing; the others are applied' }) mode!: 'per-row';
  @ApiProperty({ type: RosterImportCounts }) counts!: RosterImportCounts;
  @ApiProperty({ type: [RosterImportRowView] }) rows!: RosterImportRowView[];
}
