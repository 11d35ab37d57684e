import { Injectable } from '@nestjs/common';
import type { CourseRole, Role } from '../generated/prisma/enums';
import { LtiUserRepository } from './lti-user.repository';

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
  constructor(private readonly users: LtiUserRepository) {}

  /**
   * The memgrade user of a platform's `sub`, enrolled in `courseId` with `role` (an existing
   * enrolment's role follows the LMS). Users are keyed by (platform, sub), never by email.
   */
  async upsert(person: LtiPerson, courseId: string, role: CourseRole): Promise<{ userId: string; ltiUserId: string }> {
    const row = { platformId: person.platformId, sub: person.sub, displayName: displayNameOf(person), email: person.email ?? null, roles: person.roles };
    const roles = {
      newUserRole: role === 'instructor' ? ('instructor' as const) : ('student' as const),
      // An LMS instructor may create courses in memgrade; nobody is demoted from admin or instructor here.
      globalRoleOf: (current: Role): Role => (role === 'instructor' && current === 'student' ? 'instructor' : current),
    };
    return this.users.upsertEnrolled(row, roles, courseId, role);
  }
}

function displayNameOf(person: LtiPerson): string {
  const full = person.name?.trim() || [person.givenName, person.familyName].filter(Boolean).join(' ').trim();
  return (full || person.email?.trim() || `LTI user ${person.sub}`).slice(0, 200);
}
