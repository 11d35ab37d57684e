import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma, User } from '../generated/prisma/client';
import type { CourseRole } from '../generated/prisma/enums';

/** Where a query runs: the client, or the transaction a roster change runs in. */
export type Db = Prisma.TransactionClient;

/** The queries of a course's roster as CourseMembersService keeps it; each takes the transaction it belongs to. */
@Injectable()
export class CourseMemberRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Runs `work` in one transaction. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /** The roster with each member's user, oldest first (ties by id). */
  membersWithUsers(courseId: string) {
    return this.prisma.enrolment.findMany({ where: { courseId }, include: { user: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  enrolmentOf(courseId: string, userId: string, db: Db = this.prisma) {
    return db.enrolment.findUnique({ where: { courseId_userId: { courseId, userId } } });
  }

  enrol(courseId: string, userId: string, role: CourseRole, db: Db = this.prisma) {
    return db.enrolment.create({ data: { courseId, userId, role } });
  }

  changeRole(enrolmentId: string, role: CourseRole, db: Db = this.prisma) {
    return db.enrolment.update({ where: { id: enrolmentId }, data: { role } });
  }

  changeRoleWithUser(enrolmentId: string, role: CourseRole) {
    return this.prisma.enrolment.update({ where: { id: enrolmentId }, data: { role }, include: { user: true } });
  }

  /** A new user enrolled in the course with `courseRole`; `externalId` is the course's id of them, when given. */
  createEnrolled(
    person: { role: 'instructor' | 'student'; displayName: string; email: string | null; externalId?: string },
    courseId: string,
    courseRole: CourseRole,
    db: Db = this.prisma,
  ) {
    const { externalId, ...user } = person;
    return db.user.create({
      data: { ...user, ...(externalId ? { externalSource: courseId, externalId } : {}), enrolments: { create: { courseId, role: courseRole } } },
      include: { enrolments: true },
    });
  }

  userById(id: string, db: Db = this.prisma): Promise<User | null> {
    return db.user.findUnique({ where: { id } });
  }

  userByExternalId(courseId: string, externalId: string, db: Db = this.prisma): Promise<User | null> {
    return db.user.findUnique({ where: { externalSource_externalId: { externalSource: courseId, externalId } } });
  }

  /** The oldest user with this email, in any case. */
  userByEmail(email: string, db: Db = this.prisma): Promise<User | null> {
    return db.user.findFirst({ where: { email: { equals: email, mode: 'insensitive' } }, orderBy: { createdAt: 'asc' } });
  }
}
