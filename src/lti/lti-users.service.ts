import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { CourseRole } from '../generated/prisma/enums';

export interface LtiPerson {
  platformId: string;
  sub: string;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  email?: string | null;
  roles: string[];
}

/** LTI people ↔ memgrade users: created on first sight, names, emails and roles updated every time. */
@Injectable()
export class LtiUsersService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The memgrade user of a platform's `sub`, enrolled in `courseId` with `role` (an existing
   * enrolment's role follows the LMS). Users are keyed by (platform, sub), never by email.
   */
  async upsert(person: LtiPerson, courseId: string, role: CourseRole): Promise<{ userId: string; ltiUserId: string }> {
    const displayName = displayNameOf(person);
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`memgrade:lti-user:${person.platformId}:${person.sub}`}))`;
      let ltiUser = await tx.ltiUser.findUnique({ where: { platformId_sub: { platformId: person.platformId, sub: person.sub } }, include: { user: true } });
      if (!ltiUser) {
        const user = await tx.user.create({
          data: { role: role === 'instructor' ? 'instructor' : 'student', displayName, externalSource: `lti:${person.platformId}`, externalId: person.sub },
        });
        ltiUser = await tx.ltiUser.create({
          data: { platformId: person.platformId, sub: person.sub, userId: user.id, name: displayName, email: person.email ?? null, roles: person.roles },
          include: { user: true },
        });
      } else {
        await tx.ltiUser.update({ where: { id: ltiUser.id }, data: { name: displayName, email: person.email ?? ltiUser.email, roles: person.roles, lastLaunchAt: new Date() } });
        // An LMS instructor may create courses in memgrade; nobody is demoted from admin or instructor here.
        const globalRole = role === 'instructor' && ltiUser.user.role === 'student' ? 'instructor' : ltiUser.user.role;
        await tx.user.update({ where: { id: ltiUser.userId }, data: { displayName, role: globalRole } });
      }
      // The memgrade user's email follows the LMS's when no other user has it (emails are unique).
      const email = person.email?.trim() || null;
      if (email && email !== ltiUser.user.email && !(await tx.user.findUnique({ where: { email }, select: { id: true } }))) {
        await tx.user.update({ where: { id: ltiUser.userId }, data: { email } });
      }
      await tx.enrolment.upsert({
        where: { courseId_userId: { courseId, userId: ltiUser.userId } },
        create: { courseId, userId: ltiUser.userId, role },
        update: { role },
      });
      return { userId: ltiUser.userId, ltiUserId: ltiUser.id };
    });
  }
}

function displayNameOf(person: LtiPerson): string {
  const full = person.name?.trim() || [person.givenName, person.familyName].filter(Boolean).join(' ').trim();
  return (full || person.email?.trim() || `LTI user ${person.sub}`).slice(0, 200);
}
