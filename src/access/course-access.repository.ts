import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Course, Prisma } from '../generated/prisma/client';
import type { CourseRole } from '../generated/prisma/enums';

/** The queries access decisions rest on: a course by its slug, a roster role, courses by a filter. */
@Injectable()
export class CourseAccessRepository {
  constructor(private readonly prisma: PrismaService) {}

  courseBySlug(slug: string): Promise<Course | null> {
    return this.prisma.course.findUnique({ where: { slug } });
  }

  /** The user's role on the course's roster, or null when they are not on it. */
  async rosterRole(userId: string, courseId: string): Promise<CourseRole | null> {
    const enrolment = await this.prisma.enrolment.findUnique({ where: { courseId_userId: { courseId, userId } }, select: { role: true } });
    return enrolment?.role ?? null;
  }

  async courseIds(where: Prisma.CourseWhereInput): Promise<string[]> {
    return (await this.prisma.course.findMany({ where, select: { id: true } })).map((course) => course.id);
  }
}
