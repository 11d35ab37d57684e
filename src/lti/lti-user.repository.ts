import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { CourseRole, Role } from '../generated/prisma/enums';

/** A platform's person as one launch or roster entry describes them, with the names already made one. */
export interface LtiPersonRow {
  platformId: string;
  sub: string;
  displayName: string;
  email: string | null;
  roles: string[];
}

/** The queries of LTI people (a platform's `sub`) and the memgrade users and enrolments they are. */
@Injectable()
export class LtiUserRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * In one transaction, under a lock on (platform, sub) so two launches of a new person make one
   * user: the person's memgrade user (made with `newUserRole` on first sight; else its name updated
   * and its role set to `globalRoleOf` its current one), their email when no other user has it, and
   * their enrolment in the course with `courseRole`.
   */
  upsertEnrolled(
    person: LtiPersonRow,
    roles: { newUserRole: Role; globalRoleOf: (current: Role) => Role },
    courseId: string,
    courseRole: CourseRole,
  ): Promise<{ userId: string; ltiUserId: string }> {
    const { platformId, sub, displayName } = person;
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`memgrade:lti-user:${platformId}:${sub}`}))`;
      let ltiUser = await tx.ltiUser.findUnique({ where: { platformId_sub: { platformId, sub } }, include: { user: true } });
      if (!ltiUser) {
        const user = await tx.user.create({ data: { role: roles.newUserRole, displayName, externalSource: `lti:${platformId}`, externalId: sub } });
        ltiUser = await tx.ltiUser.create({
          data: { platformId, sub, userId: user.id, name: displayName, email: person.email, roles: person.roles },
          include: { user: true },
        });
      } else {
        await tx.ltiUser.update({ where: { id: ltiUser.id }, data: { name: displayName, email: person.email ?? ltiUser.email, roles: person.roles, lastLaunchAt: new Date() } });
        await tx.user.update({ where: { id: ltiUser.userId }, data: { displayName, role: roles.globalRoleOf(ltiUser.user.role) } });
      }
      // The memgrade user's email follows the LMS's when no other user has it (emails are unique).
      const email = person.email?.trim() || null;
      if (email && email !== ltiUser.user.email && !(await tx.user.findUnique({ where: { email }, select: { id: true } }))) {
        await tx.user.update({ where: { id: ltiUser.userId }, data: { email } });
      }
      await tx.enrolment.upsert({
        where: { courseId_userId: { courseId, userId: ltiUser.userId } },
        create: { courseId, userId: ltiUser.userId, role: courseRole },
        update: { role: courseRole },
      });
      return { userId: ltiUser.userId, ltiUserId: ltiUser.id };
    });
  }

  /** The platform's people enrolled in the course: their `sub` and memgrade user. */
  enrolledIn(platformId: string, courseId: string): Promise<{ sub: string; userId: string }[]> {
    return this.prisma.ltiUser.findMany({ where: { platformId, user: { enrolments: { some: { courseId } } } }, select: { sub: true, userId: true } });
  }

  /** Removes the user from the course's roster. */
  async unenrol(courseId: string, userId: string): Promise<void> {
    await this.prisma.enrolment.deleteMany({ where: { courseId, userId } });
  }
}
