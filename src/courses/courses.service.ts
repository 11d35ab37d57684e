import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { CourseActor } from '../access/course-capabilities';
import type { Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { AppConfigService } from '../config/app-config';
import { isUniqueViolation } from '../database/prisma-errors';
import type { Course } from '../generated/prisma/client';
import { UsersService, type IssuedKeyView } from '../users/users.service';
import { toUserView, type UserView } from '../users/user-views';
import { toCourseView, toEnrolmentView, type CourseView, type EnrolmentView } from './course-views';
import { CourseRepository } from './course.repository';
import type { CreateCourseDto, EnrolDto, LmsStudentDto, UpdateCourseDto } from './dto/course.dto';

@Injectable()
export class CoursesService {
  constructor(
    private readonly repository: CourseRepository,
    private readonly users: UsersService,
    private readonly config: AppConfigService,
    private readonly access: AccessPolicy,
  ) {}

  async create(principal: Principal, dto: CreateCourseDto): Promise<CourseView> {
    try {
      const course = await this.repository.create(
        { slug: dto.slug, title: dto.title, gradebookPolicy: dto.gradebookPolicy },
        // The instructor who creates a course teaches it.
        principal.role === 'instructor' ? principal.userId : undefined,
      );
      return toCourseView(course);
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`course "${dto.slug}" exists`, [{ field: 'slug', reason: 'is already taken' }]);
      throw error;
    }
  }

  async list(principal: Principal): Promise<CourseView[]> {
    if (principal.role === 'admin' || principal.role === 'lms') {
      const courses = await this.repository.listBySlug(principal.role === 'admin' ? undefined : (principal.courseId ?? undefined));
      return courses.map((course) => toCourseView(course, principal.role as CourseActor));
    }
    return (await this.repository.enrolledCoursesOf(principal.userId)).map(({ course, role }) => toCourseView(course, role));
  }

  /** One course as the caller sees it, with their role in it. */
  async view(principal: Principal, slug: string): Promise<CourseView> {
    const course = await this.access.findVisible(principal, slug);
    return toCourseView(course, await this.access.actorIn(principal, course.id));
  }

  async update(principal: Principal, slug: string, dto: UpdateCourseDto): Promise<CourseView> {
    const course = await this.access.findFor(principal, slug, 'editCourse');
    return toCourseView(await this.repository.update(course.id, dto));
  }

  async enrolments(principal: Principal, slug: string): Promise<EnrolmentView[]> {
    const course = await this.access.findFor(principal, slug, 'readAll');
    return (await this.repository.enrolmentsWithUsers(course.id)).map(toEnrolmentView);
  }

  async enrol(principal: Principal, slug: string, dto: EnrolDto): Promise<EnrolmentView> {
    const course = await this.access.findFor(principal, slug, 'manageMembers');
    const user = await this.repository.userById(dto.userId);
    if (!user) throw InvalidInputError.field('userId', 'is not the id of a user');
    if (user.role === 'lms') throw InvalidInputError.field('userId', 'is an lms identity, which cannot be enrolled');
    try {
      return toEnrolmentView(await this.repository.enrol(course.id, user.id, dto.role));
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('this user is already enrolled', [{ field: 'userId', reason: 'is already enrolled' }]);
      throw error;
    }
  }

  async unenrol(principal: Principal, slug: string, userId: string): Promise<void> {
    const course = await this.access.findFor(principal, slug, 'manageMembers');
    // Their sign-in keys for this course end with the enrolment (the guard refuses them too).
    const removed = await this.repository.unenrol(course.id, userId);
    if (!removed) throw new NotFoundError('no such enrolment', [{ field: 'userId', reason: 'is not enrolled in this course' }]);
  }

  /** An lms identity for the course and its key (shown once). */
  async createLmsKey(principal: Principal, slug: string, name: string): Promise<IssuedKeyView> {
    const course = await this.access.findFor(principal, slug, 'manageKeys');
    const lms = await this.repository.createLmsUser(`${name} (lms for ${course.slug})`);
    return this.users.issueKey(lms.id, name, course.id);
  }

  /**
   * The LMS's student with this external id, created and enrolled on first sight. Returns whether
   * it was created, so the API can answer 201 or 200. Either way their display name, and their email
   * when given, become what the LMS sent (the LMS is where people are kept); 409 for an email
   * another user has.
   */
  async ensureLmsStudent(principal: Principal, slug: string, dto: LmsStudentDto): Promise<{ student: UserView; created: boolean }> {
    const course = await this.access.findFor(principal, slug, 'manageLmsStudents');
    const email = dto.email?.trim() || undefined;
    let user = await this.repository.lmsStudent(course.id, dto.externalId);
    let created = false;
    if (user && !(await this.access.isEnrolled(user.id, course.id))) {
      throw new ForbiddenError(`student "${dto.externalId}" was removed from the roster of course "${course.slug}"; its staff may enrol them again`, [
        { field: 'externalId', reason: 'was removed from this course; course staff may enrol them again' },
      ]);
    }
    try {
      if (!user) {
        try {
          user = await this.repository.createLmsStudent(course.id, dto.externalId, dto.displayName, email);
          created = true;
          return { student: toUserView(user), created };
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          // Created at the same instant by another request of the LMS: update that one below.
          const raced = await this.repository.lmsStudent(course.id, dto.externalId);
          if (!raced) throw error; // the email was taken, not the external id
          user = raced;
        }
      }
      if (user.displayName !== dto.displayName || (email !== undefined && user.email !== email)) {
        user = await this.repository.updateUser(user.id, { displayName: dto.displayName, ...(email !== undefined ? { email } : {}) });
      }
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`another user has the email "${email}"`, [{ field: 'email', reason: 'is already taken by another user' }]);
      throw error;
    }
    return { student: toUserView(user), created };
  }

  /**
   * The id of the LMS student `externalId` of this course while they are on its roster; 404 for a
   * student never created and for one whose enrolment was removed (access follows the roster).
   */
  async lmsStudentId(course: Course, externalId: string, field = 'student'): Promise<string> {
    const userId = await this.repository.enrolledLmsStudentId(course.id, externalId);
    if (!userId) {
      throw new NotFoundError(`no student "${externalId}" in course "${course.slug}"`, [
        { field, reason: 'is not a student of this course (never created, or removed from its roster)' },
      ]);
    }
    return userId;
  }

  /** A key for an LMS student, for the LMS to hand out (a sign-in link); 404 once they left the roster. */
  async issueLmsStudentKey(principal: Principal, slug: string, externalId: string): Promise<IssuedKeyView> {
    const course = await this.access.findFor(principal, slug, 'manageLmsStudents');
    // Bound to the course: it stops working when the student leaves its roster, or when it expires.
    const expiresAt = new Date(Date.now() + this.config.values.LMS_SIGN_IN_LINK_SECONDS * 1000);
    return this.users.issueKey(await this.lmsStudentId(course, externalId, 'externalId'), `issued by the lms of ${course.slug}`, course.id, expiresAt);
  }

  /**
   * Revokes the sign-in keys issued in this course for the LMS student `externalId`: one (`keyId`)
   * or all of them. Returns how many were still active. 404 for a key that is not one of theirs.
   */
  async revokeLmsStudentKeys(principal: Principal, slug: string, externalId: string, keyId?: string): Promise<{ revoked: number }> {
    const course = await this.access.findFor(principal, slug, 'manageLmsStudents');
    const user = await this.repository.lmsStudent(course.id, externalId);
    if (!user) throw new NotFoundError(`no student "${externalId}" in course "${course.slug}"`, [{ field: 'externalId', reason: 'is not a student of this course' }]);
    if (keyId && !(await this.repository.isKeyOf(keyId, user.id, course.id))) {
      throw new NotFoundError(`key ${keyId} is not a sign-in key of student "${externalId}" in course "${course.slug}"`, [
        { field: 'keyId', reason: 'no such sign-in key of this student' },
      ]);
    }
    // One link: it and the keys its holder made with it (POST /keys), and theirs, all bound to the course.
    let ids: string[] | undefined;
    if (keyId) {
      ids = [keyId];
      for (let frontier = [keyId]; frontier.length;) {
        frontier = await this.repository.keysIssuedBy(frontier, ids, user.id, course.id);
        ids.push(...frontier);
      }
    }
    return { revoked: await this.repository.revokeKeys(user.id, course.id, ids) };
  }
}
