import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { PrismaService } from '../database/prisma.service';
import { isUniqueViolation } from '../database/prisma-errors';
import type { Course, Prisma, User } from '../generated/prisma/client';
import { UsersService, type IssuedKeyView } from '../users/users.service';
import type { CourseActor } from '../access/course-capabilities';
import { toMemberView, type MemberOutcome, type MemberView } from './course-member-views';
import { CoursesService } from './courses.service';
import type { AddMemberDto, MemberRole } from './dto/member.dto';

/** Who to make a member, and with which role (the single route's body, or one CSV row). */
export type MemberRequest = Pick<AddMemberDto, 'userId' | 'email' | 'externalId' | 'displayName'> & { role: MemberRole };

export interface MemberChange {
  outcome: MemberOutcome;
  member: MemberView;
}

type Tx = Prisma.TransactionClient;

/**
 * A course's roster as its instructors (and admins) keep it: add an existing user or a new
 * student, change a member's role, remove one. Instructors create student-level users only
 * (course role student or ta); an admin may create instructors. Each change is one transaction.
 */
@Injectable()
export class CourseMembersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly courses: CoursesService,
    private readonly access: AccessPolicy,
    private readonly users: UsersService,
  ) {}

  async list(principal: Principal, slug: string): Promise<MemberView[]> {
    const course = await this.access.findFor(principal, slug, 'readAll');
    const rows = await this.prisma.enrolment.findMany({ where: { courseId: course.id }, include: { user: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toMemberView);
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
    const enrolment = await this.prisma.enrolment.findUnique({ where: { courseId_userId: { courseId: course.id, userId } } });
    if (!enrolment) throw new NotFoundError('no such member', [{ field: 'userId', reason: 'is not on the roster of this course' }]);
    if (enrolment.role !== role && userId === principal.userId) throw ownRole();
    const updated = await this.prisma.enrolment.update({ where: { id: enrolment.id }, data: { role }, include: { user: true } });
    return toMemberView(updated);
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
      return await this.prisma.$transaction((tx) => this.applyIn(tx, course, actor, callerId, request));
    } catch (error) {
      // The same person added twice at the same moment: the loser is told to look again.
      if (isUniqueViolation(error)) throw new ConflictError('this person was added by another request at the same moment; reload the roster', [{ field: request.email ? 'email' : 'externalId', reason: 'was just taken by another request' }]);
      throw error;
    }
  }

  private async applyIn(tx: Tx, course: Course, actor: CourseActor, callerId: string, request: MemberRequest): Promise<MemberChange> {
    const user = await this.findPerson(tx, course, request);
    if (!user) {
      if (request.role === 'instructor' && actor !== 'admin') {
        throw new ForbiddenError('instructors create students and teaching assistants only; an admin creates instructors (an existing user may be enrolled as instructor)', [
          { field: 'role', reason: 'instructor is only for existing users unless an admin asks' },
        ]);
      }
      if (!request.displayName) throw InvalidInputError.field('displayName', 'is needed to create this person: no user has this email or external id');
      const created = await tx.user.create({
        data: {
          role: request.role === 'instructor' ? 'instructor' : 'student',
          displayName: request.displayName,
          email: request.email ?? null,
          ...(request.externalId ? { externalSource: course.id, externalId: request.externalId } : {}),
          enrolments: { create: { courseId: course.id, role: request.role } },
        },
        include: { enrolments: true },
      });
      return { outcome: 'created', member: toMemberView({ ...created.enrolments[0], user: created }) };
    }
    const enrolment = await tx.enrolment.findUnique({ where: { courseId_userId: { courseId: course.id, userId: user.id } } });
    if (!enrolment) {
      const made = await tx.enrolment.create({ data: { courseId: course.id, userId: user.id, role: request.role } });
      return { outcome: 'enrolled', member: toMemberView({ ...made, user }) };
    }
    if (enrolment.role === request.role) return { outcome: 'unchanged', member: toMemberView({ ...enrolment, user }) };
    if (user.id === callerId) throw ownRole();
    const updated = await tx.enrolment.update({ where: { id: enrolment.id }, data: { role: request.role } });
    return { outcome: 'role_changed', member: toMemberView({ ...updated, user }) };
  }

  /** The user the request names, or null for a person memgrade does not know yet. */
  private async findPerson(tx: Tx, course: Course, request: MemberRequest): Promise<User | null> {
    if (request.userId) {
      if (request.email || request.externalId || request.displayName) throw InvalidInputError.field('userId', 'names an existing user: leave email, externalId and displayName out');
      const user = await tx.user.findUnique({ where: { id: request.userId } });
      if (!user) throw InvalidInputError.field('userId', 'is not the id of a user');
      return refuseLms(user, 'userId');
    }
    if (!request.email && !request.externalId) throw InvalidInputError.field('email', 'or externalId is needed (or userId for an existing user)');
    const byExternalId = request.externalId ? await tx.user.findUnique({ where: { externalSource_externalId: { externalSource: course.id, externalId: request.externalId } } }) : null;
    const byEmail = request.email ? await tx.user.findFirst({ where: { email: { equals: request.email, mode: 'insensitive' } }, orderBy: { createdAt: 'asc' } }) : null;
    if (byExternalId && byEmail && byExternalId.id !== byEmail.id) {
      throw new ConflictError('the email and the external id name two different users', [{ field: 'email', reason: `belongs to another user than external id "${request.externalId}"` }]);
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
