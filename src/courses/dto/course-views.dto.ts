// What the courses routes answer (course-views.ts builds these shapes): one definition for the
// service and the OpenAPI document.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CourseRole } from '../../generated/prisma/enums';
import { MEMBER_ROLES } from './member.dto';

const COURSE_ACTORS = ['admin', 'lms', ...MEMBER_ROLES] as const;

export class CourseView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'python-memory' }) slug!: string;
  @ApiProperty({ example: 'Memory management in Python' }) title!: string;
  @ApiProperty({ enum: ['best', 'latest'], description: 'which score per exercise the gradebook shows' }) gradebookPolicy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ enum: COURSE_ACTORS, nullable: true, description: 'who the caller is in the course: admin, lms, or their roster role; null when none' })
  yourRole?: 'admin' | 'lms' | CourseRole | null;
}

export class EnrolmentView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true, description: "the person's id in the course's LMS" }) externalId!: string | null;
  @ApiProperty({ enum: MEMBER_ROLES }) role!: CourseRole;
  @ApiProperty({ format: 'date-time' }) enrolledAt!: string;
}
