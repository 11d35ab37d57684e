import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { NotFoundError } from '../common/errors/domain-errors';
import { CoursesService } from '../courses/courses.service';
import { PrismaService } from '../database/prisma.service';
import type { ExerciseSpec } from './exercise-spec';

export interface ExerciseSummary {
  slug: string;
  title: string;
  maxScore: number;
  studentFiles: string[];
  limits: { memoryMiB: number; timeSeconds: number };
}

@Injectable()
export class ExercisesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly courses: CoursesService,
  ) {}

  /** The exercises of a course that students can submit to (those with a valid current version). */
  async listForCourse(principal: Principal, courseSlug: string): Promise<ExerciseSummary[]> {
    const course = await this.courses.findVisible(principal, courseSlug);
    const exercises = await this.prisma.exercise.findMany({
      where: { courseId: course.id, currentVersion: { status: 'valid' } },
      include: { currentVersion: true },
      orderBy: { slug: 'asc' },
    });
    return exercises.map(({ slug, currentVersion }) => {
      const spec = currentVersion!.spec as unknown as ExerciseSpec;
      return {
        slug,
        title: spec.title,
        maxScore: currentVersion!.maxScore,
        studentFiles: spec.studentFiles,
        limits: { memoryMiB: spec.limits.memoryMiB, timeSeconds: spec.limits.timeSeconds },
      };
    });
  }

  /** The version a new submission to "<course>/<exercise>" is graded against. */
  async currentVersionFor(principal: Principal, reference: string) {
    const [courseSlug, exerciseSlug] = reference.split('/');
    const course = await this.courses.findVisible(principal, courseSlug);
    const exercise = await this.prisma.exercise.findUnique({
      where: { courseId_slug: { courseId: course.id, slug: exerciseSlug } },
      include: { currentVersion: true },
    });
    if (!exercise?.currentVersion || exercise.currentVersion.status !== 'valid') {
      throw new NotFoundError(`exercise "${reference}" does not exist or is not published`, [
        { field: 'exercise', reason: `no published exercise "${exerciseSlug}" in course "${courseSlug}"` },
      ]);
    }
    return { course, exercise, version: exercise.currentVersion, spec: exercise.currentVersion.spec as unknown as ExerciseSpec };
  }
}
