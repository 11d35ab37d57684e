import { Module } from '@nestjs/common';
import { AccessPolicy } from './access-policy';
import { CourseAccessRepository } from './course-access.repository';

/** Who may see and do what in a course (AccessPolicy); imported by every module that checks it. */
@Module({ providers: [AccessPolicy, CourseAccessRepository], exports: [AccessPolicy] })
export class AccessModule {}
