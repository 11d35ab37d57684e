import type { Course, Enrolment, User } from '../generated/prisma/client';

export interface CourseView {
  id: string;
  slug: string;
  title: string;
  gradebookPolicy: string;
  createdAt: string;
}

export interface EnrolmentView {
  userId: string;
  displayName: string;
  externalId: string | null;
  role: Enrolment['role'];
  enrolledAt: string;
}

export const toCourseView = (course: Course): CourseView => ({
  id: course.id,
  slug: course.slug,
  title: course.title,
  gradebookPolicy: course.gradebookPolicy,
  createdAt: course.createdAt.toISOString(),
});

export const toEnrolmentView = (enrolment: Enrolment & { user: User }): EnrolmentView => ({
  userId: enrolment.userId,
  displayName: enrolment.user.displayName,
  externalId: enrolment.user.externalId,
  role: enrolment.role,
  enrolledAt: enrolment.createdAt.toISOString(),
});
