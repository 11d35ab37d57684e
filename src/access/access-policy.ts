import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { ForbiddenError, NotFoundError } from '../common/errors/domain-errors';
import type { Course, Prisma } from '../generated/prisma/client';
import type { CourseRole } from '../generated/prisma/enums';
import { CourseAccessRepository } from './course-access.repository';
import { may, refusal, STAFF_ROLES, type CourseActor, type CourseCapability } from './course-capabilities';

/** The caller's actor in a course, given their roster role there (read only for people: admin and lms keys need none). */
function actorOf(principal: Principal, courseId: string, rosterRole: CourseRole | null): CourseActor | null {
  if (principal.role === 'admin') return 'admin';
  if (principal.role === 'lms') return principal.courseId === courseId ? 'lms' : null;
  return rosterRole;
}

/**
 * Who may see and do what in a course, for every controller and service: the rules are the map in
 * course-capabilities.ts; this answers them for a caller (their actor in the course) and turns a
 * refusal into the API's answer.
 */
@Injectable()
export class AccessPolicy {
  constructor(private readonly repository: CourseAccessRepository) {}

  /**
   * The course when the caller may do `capability` in it (COURSE_CAPABILITIES). Someone who does
   * not see the course gets 404, so course slugs do not leak; someone who sees it but may not do
   * this gets 403 saying who may.
   */
  async findFor(principal: Principal, slug: string, capability: CourseCapability): Promise<Course> {
    const course = await this.repository.courseBySlug(slug);
    const actor = course ? await this.actorIn(principal, course.id) : null;
    return this.allowedOrThrow(slug, course, actor, capability);
  }

  /**
   * findVisible for a caller that read the course (null: none has this slug) and the caller's
   * roster role in it itself, in a statement that reads more (a POST's submission target).
   */
  visibleOrThrow(principal: Principal, slug: string, read: { course: Course; rosterRole: CourseRole | null } | null): Course {
    return this.allowedOrThrow(slug, read?.course ?? null, read ? actorOf(principal, read.course.id, read.rosterRole) : null, 'view');
  }

  private allowedOrThrow(slug: string, course: Course | null, actor: CourseActor | null, capability: CourseCapability): Course {
    if (!course || !may(actor, 'view')) throw new NotFoundError(`course "${slug}" does not exist`, [{ field: 'course', reason: `no course "${slug}"` }]);
    if (!may(actor, capability)) throw new ForbiddenError(refusal(actor!, capability, course.slug));
    return course;
  }

  /** A course the caller may see: admins see all, an lms key its own course, everyone else the courses they are enrolled in. */
  findVisible(principal: Principal, slug: string): Promise<Course> {
    return this.findFor(principal, slug, 'view');
  }

  /** Who the caller is in the course (admin, its lms key, or their roster role), or null for nobody there. */
  async actorIn(principal: Principal, courseId: string): Promise<CourseActor | null> {
    if (principal.role === 'admin' || principal.role === 'lms') return actorOf(principal, courseId, null);
    return this.repository.rosterRole(principal.userId, courseId);
  }

  async can(principal: Principal, courseId: string, capability: CourseCapability): Promise<boolean> {
    return may(await this.actorIn(principal, courseId), capability);
  }

  async canSee(principal: Principal, courseId: string): Promise<boolean> {
    return this.can(principal, courseId, 'view');
  }

  /** Whether the caller may see every submission of the course (not only their own). */
  async canReadAll(principal: Principal, courseId: string): Promise<boolean> {
    return this.can(principal, courseId, 'readAll');
  }

  /** Whether the user is on the course's roster now (any role). */
  async isEnrolled(userId: string, courseId: string): Promise<boolean> {
    return (await this.repository.rosterRole(userId, courseId)) !== null;
  }

  /** The courses whose every submission the caller reads (the rule of canReadAll), as a filter. */
  staffCoursesWhere(principal: Principal): Prisma.CourseWhereInput {
    if (principal.role === 'admin') return {};
    if (principal.role === 'lms') return { id: principal.courseId! };
    return { enrolments: { some: { userId: principal.userId, role: { in: STAFF_ROLES } } } };
  }

  /** The ids of the courses the caller reads as staff; 'all' for an admin. */
  async staffCourseIds(principal: Principal): Promise<Set<string> | 'all'> {
    if (principal.role === 'admin') return 'all';
    return new Set(await this.repository.courseIds(this.staffCoursesWhere(principal)));
  }
}
