import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { isUniqueViolation } from '../database/prisma-errors';
import type { Course, User } from '../generated/prisma/client';
import { UsersService, type IssuedKeyView } from '../users/users.service';
import type { CourseActor } from '../access/course-capabilities';
import { CourseMemberRepository, type Db } from './course-member.repository';
import { toMemberView } from './course-member-views';
import type { MemberOutcome, MemberView } from './dto/member-views.dto';
import { CoursesService } from './courses.service';
import type { AddMemberDto, MemberRole } from './dto/member.dto';

/** Who to make a member, and with which role (the single route's body, or one CSV row). */
export type MemberRequest = Pick<AddMemberDto, 'userId' | 'email' | 'externalId' | 'displayName'> & { role: MemberRole };

export interface MemberChange {
  outcome: MemberOutcome;
  member: MemberView;
}

/**
 * A course's roster as its instructors (and admins) keep it: add an existing user or a new
 * student, change a member's role, remove one. Instructors create student-level users only
 * (course role student or ta); an admin may create instructors. Each change is one transaction.
 */
@Injectable()
export class CourseMembersService {
  constructor(
    private readonly repository: CourseMemberRepository,
    private readonly courses: CoursesService,
    private readonly access: AccessPolicy,
    private readonly users: UsersService,
  ) {}

  async list(principal: Principal, slug: string): Promise<MemberView[]> {
    const course = await this.access.findFor(principal, slug, 'readAll');
    return (await this.repository.membersWithUsers(course.id)).map(toMemberView);
  }

  /** Adds (or finds) one person; a newly created user gets a first key, bound to the course, shown once. */
  async add(principal: Principal, slug: string, request: MemberRequest): Promise<MemberChange & { key?: IssuedKeyView }> {
    const course = await this.access.findFor(principal, slug, 'manageMembers');
    const actor = (await this.access.actorIn(principal, course.id))!;
    const change = await this.apply(course, actor, principal.userId, request);
    if (change.outcome !== 'created') return change;
    return { ...change, key: await this.users.issueKey(change.member.userId, `first key (created in ${course.slug})`, course.id) };
  }

  async changeRole(principal: Principal, slug: string, userId: string, role: MemberRole): Promise<MemberView> {
    const course = await this.access.findFor(principal, slug, 'manageMembers');
    const enrolment = await this.repository.enrolmentOf(course.id, userId);
    if (!enrolment) throw new NotFoundError('no such member', [{ field: 'userId', reason: 'is not on the roster of this course' }]);
    if (enrolment.role !== role && userId === principal.userId) throw ownRole();
    return toMemberView(await this.repository.changeRoleWithUser(enrolment.id, role));
  }

  async remove(principal: Principal, slug: string, userId: string): Promise<void> {
    await this.courses.unenrol(principal, slug, userId);
  }

  /**
   * Makes the person a member with `role` in one transaction: found by userId, by the course's
   * external id or by email (any case), or created. Throws a DomainError naming the field when
   * it cannot; nothing is written then.
   */
  async apply(course: Course, actor: CourseActor, callerId: string, request: MemberRequest): Promise<MemberChange> {
    try {
      return await this.repository.transaction((tx) => this.applyIn(tx, course, actor, callerId, request));
    } catch (error) {
      // The same person added twice at the same moment: the loser is told to look again.
      if (isUniqueViolation(error))
        throw new ConflictError('this person was added by another request at the same moment; reload the roster', [
          { field: request.email ? 'email' : 'externalId', reason: 'was just taken by another request' },
        ]);
      throw error;
    }
  }

  private async applyIn(tx: Db, course: Course, actor: CourseActor, callerId: string, request: MemberRequest): Promise<MemberChange> {
    const user = await this.findPerson(tx, course, request);
    if (!user) {
      if (request.role === 'instructor' && actor !== 'admin') {
        throw new ForbiddenError('instructors create students and teaching assistants only; an admin creates instructors (an existing user may be enrolled as instructor)', [
          { field: 'role', reason: 'instructor is only for existing users unless an admin asks' },
        ]);
      }
      if (!request.displayName) throw InvalidInputError.field('displayName', 'is needed to create this person: no user has this email or external id');
      const created = await this.repository.createEnrolled(
        { role: request.role === 'instructor' ? 'instructor' : 'student', displayName: request.displayName, email: request.email ?? null, externalId: request.externalId },
        course.id,
        request.role,
        tx,
      );
      return { outcome: 'created', member: toMemberView({ ...created.enrolments[0], user: created }) };
    }
    const enrolment = await this.repository.enrolmentOf(course.id, user.id, tx);
    if (!enrolment) {
      const made = await this.repository.enrol(course.id, user.id, request.role, tx);
      return { outcome: 'enrolled', member: toMemberView({ ...made, user }) };
    }
    if (enrolment.role === request.role) return { outcome: 'unchanged', member: toMemberView({ ...enrolment, user }) };
    if (user.id === callerId) throw ownRole();
    const updated = await this.repository.changeRole(enrolment.id, request.role, tx);
    return { outcome: 'role_changed', member: toMemberView({ ...updated, user }) };
  }

  /** The user the request names, or null for a person memgrade does not know yet. */
  private async findPerson(tx: Db, course: Course, request: MemberRequest): Promise<User | null> {
    if (request.userId) {
      if (request.email || request.externalId || request.displayName)
        throw InvalidInputError.field('userId', 'names an existing user: leave email, externalId and displayName out');
      const user = await this.repository.userById(request.userId, tx);
      if (!user) throw InvalidInputError.field('userId', 'is not the id of a user');
      return refuseLms(user, 'userId');
    }
    if (!request.email && !request.externalId) throw InvalidInputError.field('email', 'or externalId is needed (or userId for an existing user)');
    const byExternalId = request.externalId ? await this.repository.userByExternalId(course.id, request.externalId, tx) : null;
    const byEmail = request.email ? await this.repository.userByEmail(request.email, tx) : null;
    if (byExternalId && byEmail && byExternalId.id !== byEmail.id) {
      throw new ConflictError('the email and the external id name two different users', [
        { field: 'email', reason: `belongs to another user than external id "${request.externalId}"` },
      ]);
    }
    const user = byExternalId ?? byEmail;
    return user ? refuseLms(user, byExternalId ? 'externalId' : 'email') : null;
  }
}

function refuseLms(user: User, field: string): User {
  if (user.role === 'lms') throw InvalidInputError.field(field, 'is an lms identity, which cannot be enrolled');
  return user;
}

const ownRole = () => new ConflictError('you cannot change your own role in this course (another instructor or an admin can)', [{ field: 'role', reason: 'is your own role' }]);
