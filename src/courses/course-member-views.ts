import type { Enrolment, User } from '../generated/prisma/client';
import type { MemberView } from './dto/member-views.dto';

export const toMemberView = (enrolment: Enrolment & { user: User }): MemberView => ({
  userId: enrolment.userId,
  displayName: enrolment.user.displayName,
  email: enrolment.user.email,
  externalId: enrolment.user.externalId,
  role: enrolment.role,
  enrolledAt: enrolment.createdAt.toISOString(),
});
