import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { NotFoundError } from '../common/errors/domain-errors';
import { PrismaService } from '../database/prisma.service';

@Injectable()
export class CoursesService {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * A course the caller may see: admins see all, an lms key its own course, everyone else the
   * courses they are enrolled in. Others get 404, so course slugs do not leak.
   */
  async findVisible(principal: Principal, slug: string) {
    const course = await this.prisma.course.findUnique({ where: { slug } });
    if (course && (await this.canSee(principal, course.id))) return course;
    throw new NotFoundError(`course "${slug}" does not exist`, [{ field: 'course', reason: `no course "${slug}"` }]);
  }

  async canSee(principal: Principal, courseId: string): Promise<boolean> {
    if (principal.role === 'admin') return true;
    if (principal.role === 'lms') return principal.courseId === courseId;
    const enrolment = await this.prisma.enrolment.findUnique({ where: { courseId_userId: { courseId, userId: principal.userId } } });
    return !!enrolment;
  }

  /** Whether the caller may see every submission of the course (not only their own). */
  async canReadAll(principal: Principal, courseId: string): Promise<boolean> {
    if (principal.role === 'admin') return true;
    if (principal.role === 'lms') return principal.courseId === courseId;
    const enrolment = await this.prisma.enrolment.findUnique({ where: { courseId_userId: { courseId, userId: principal.userId } } });
    return enrolment?.role === 'instructor';
  }
}
