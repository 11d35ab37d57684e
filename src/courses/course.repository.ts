import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Course, User } from '../generated/prisma/client';
import type { CourseRole } from '../generated/prisma/enums';

/** The queries of courses: the course rows, their roster as CoursesService keeps it, their LMS students and keys. */
@Injectable()
export class CourseRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A new course, with `instructorId` enrolled as its instructor when given. */
  create(data: { slug: string; title: string; gradebookPolicy?: string }, instructorId?: string): Promise<Course> {
    return this.prisma.course.create({
      data: { ...data, ...(instructorId ? { enrolments: { create: { userId: instructorId, role: 'instructor' } } } : {}) },
    });
  }

  /** Courses by slug; every course without `onlyId`. */
  listBySlug(onlyId?: string): Promise<Course[]> {
    return this.prisma.course.findMany({ where: onlyId === undefined ? {} : { id: onlyId }, orderBy: { slug: 'asc' } });
  }

  /** The courses the user is on the roster of, by slug, with their role in each. */
  async enrolledCoursesOf(userId: string): Promise<{ course: Course; role: CourseRole | null }[]> {
    const courses = await this.prisma.course.findMany({
      where: { enrolments: { some: { userId } } },
      include: { enrolments: { where: { userId }, select: { role: true } } },
      orderBy: { slug: 'asc' },
    });
    return courses.map(({ enrolments, ...course }) => ({ course, role: enrolments[0]?.role ?? null }));
  }

  update(id: string, data: { title?: string; gradebookPolicy?: string }): Promise<Course> {
    return this.prisma.course.update({ where: { id }, data });
  }

  /** The roster with each member's user, oldest enrolment first. */
  enrolmentsWithUsers(courseId: string) {
    return this.prisma.enrolment.findMany({ where: { courseId }, include: { user: true }, orderBy: { createdAt: 'asc' } });
  }

  enrol(courseId: string, userId: string, role: CourseRole) {
    return this.prisma.enrolment.create({ data: { courseId, userId, role }, include: { user: true } });
  }

  /** Removes the user from the roster and revokes their keys bound to the course, in one transaction; whether they were on it. */
  unenrol(courseId: string, userId: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const removed = await tx.enrolment.deleteMany({ where: { courseId, userId } });
      if (removed.count) await tx.apiKey.updateMany({ where: { userId, courseId, revokedAt: null }, data: { revokedAt: new Date() } });
      return removed.count > 0;
    });
  }

  userById(id: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { id } });
  }

  createLmsUser(displayName: string): Promise<User> {
    return this.prisma.user.create({ data: { role: 'lms', displayName } });
  }

  /** The LMS student of the course with this external id, on the roster or not. */
  lmsStudent(courseId: string, externalId: string): Promise<User | null> {
    return this.prisma.user.findUnique({ where: { externalSource_externalId: { externalSource: courseId, externalId } } });
  }

  /** Creates the LMS student and enrols them as a student of the course. */
  createLmsStudent(courseId: string, externalId: string, displayName: string, email: string | undefined): Promise<User> {
    return this.prisma.user.create({
      data: { role: 'student', displayName, email, externalSource: courseId, externalId, enrolments: { create: { courseId, role: 'student' } } },
    });
  }

  updateUser(id: string, data: { displayName: string; email?: string }): Promise<User> {
    return this.prisma.user.update({ where: { id }, data });
  }

  /** The id of the LMS student `externalId` of the course while they are a student on its roster. */
  async enrolledLmsStudentId(courseId: string, externalId: string): Promise<string | null> {
    const user = await this.prisma.user.findFirst({
      where: { externalSource: courseId, externalId, enrolments: { some: { courseId, role: 'student' } } },
      select: { id: true },
    });
    return user?.id ?? null;
  }

  async isKeyOf(keyId: string, userId: string, courseId: string): Promise<boolean> {
    return !!(await this.prisma.apiKey.findFirst({ where: { userId, courseId, id: keyId }, select: { id: true } }));
  }

  /** The ids of the user's course-bound keys issued by one of `issuers`, leaving out `known`. */
  async keysIssuedBy(issuers: string[], known: string[], userId: string, courseId: string): Promise<string[]> {
    const keys = await this.prisma.apiKey.findMany({ where: { userId, courseId, issuedByKeyId: { in: issuers }, id: { notIn: known } }, select: { id: true } });
    return keys.map((key) => key.id);
  }

  /** Revokes the user's active keys bound to the course (only `ids` when given); how many. */
  async revokeKeys(userId: string, courseId: string, ids?: string[]): Promise<number> {
    const { count } = await this.prisma.apiKey.updateMany({ where: { userId, courseId, ...(ids ? { id: { in: ids } } : {}), revokedAt: null }, data: { revokedAt: new Date() } });
    return count;
  }
}
