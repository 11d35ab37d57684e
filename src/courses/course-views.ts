import type { Course, Enrolment, User } from '../generated/prisma/client';
import type { CourseActor } from '../access/course-capabilities';

export interface CourseView {
  id: string;
  slug: string;
  title: string;
  gradebookPolicy: string;
  createdAt: string;
  /** Who the caller is in the course: admin, lms, or their roster role (instructor, ta, student). */
  yourRole?: CourseActor | null;
}

export interface EnrolmentView {
  userId: string;
  displayName: string;
  externalId: string | null;
  role: Enrolment['role'];
  enrolledAt: string;
}

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
