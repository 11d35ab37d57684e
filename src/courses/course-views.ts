import type { Course, Enrolment, User } from '../generated/prisma/client';
import type { CourseActor } from '../access/course-capabilities';
import type { CourseView, EnrolmentView } from './dto/course-views.dto';

export type { CourseView, EnrolmentView } from './dto/course-views.dto';

export const toCourseView = (course: Course, yourRole?: CourseActor | null): CourseView => ({
  id: course.id,
  slug: course.slug,
  title: course.title,
  gradebookPolicy: course.gradebookPolicy,
  createdAt: course.createdAt.toISOString(),
  ...(yourRole !== undefined ? { yourRole } : {}),
});

export const toEnrolmentView = (enrolment: Enrolment & { user: User }): EnrolmentView => ({
  userId: enrolment.userId,
  displayName: enrolment.user.displayName,
  externalId: enrolment.user.externalId,
  role: enrolment.role,
  enrolledAt: enrolment.createdAt.toISOString(),
});
