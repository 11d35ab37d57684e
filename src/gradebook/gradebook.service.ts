import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { ForbiddenError } from '../common/errors/domain-errors';
import { CoursesService } from '../courses/courses.service';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import type { FlagSeverity } from '../grading/flag-summary';
import { standingResultSql } from '../submissions/standing-result';
import { GRADEBOOK_POLICIES, type Gradebook, type GradebookCell, type GradebookExercise, type GradebookPolicy } from './gradebook.types';

interface Pick {
  userId: string;
  exerciseId: string;
  submissionId: string;
  score: number;
  maxScore: number;
  submittedAt: Date;
  flagSeverity: FlagSeverity | null;
}

/**
 * Which graded submission counts, as SQL ORDER BY within (student, exercise):
 * best = the highest score (the earliest one on a tie); latest = the most recently submitted.
 */
const ORDER: Record<GradebookPolicy, Prisma.Sql> = {
  best: Prisma.sql`s.score DESC, s.created_at ASC, s.id ASC`,
  latest: Prisma.sql`s.created_at DESC, s.id DESC`,
};

const round = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * The gradebook of a course: every enrolled student × every exercise (published, or with graded
 * submissions), each cell the graded submission that counts under the policy, across all versions
 * of the exercise. A submission being graded again counts with its stored result until the new one
 * is stored (submissions/standing-result.ts). For course staff: admins, the course's instructors, the course's lms key.
 */
@Injectable()
export class GradebookService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly courses: CoursesService,
  ) {}

  async build(principal: Principal, courseSlug: string, requested?: GradebookPolicy): Promise<Gradebook> {
    const course = await this.courses.findVisible(principal, courseSlug);
    if (!(await this.courses.canReadAll(principal, course.id))) {
      throw new ForbiddenError(`the gradebook of course "${course.slug}" is for its instructors, an admin or its lms key`);
    }
    const policy = requested ?? (GRADEBOOK_POLICIES.includes(course.gradebookPolicy as GradebookPolicy) ? (course.gradebookPolicy as GradebookPolicy) : 'best');

    const [enrolments, exercises, picks] = await Promise.all([
      this.prisma.enrolment.findMany({
        where: { courseId: course.id, role: 'student' },
        include: { user: { select: { id: true, displayName: true, externalId: true } } },
      }),
      this.prisma.exercise.findMany({
        where: { courseId: course.id },
        include: {
          currentVersion: { select: { maxScore: true, status: true } },
          versions: { orderBy: { number: 'desc' }, take: 1, select: { maxScore: true } },
        },
        orderBy: { slug: 'asc' },
      }),
      this.prisma.$queryRaw<Pick[]>`
        SELECT DISTINCT ON (s.user_id, v.exercise_id)
               s.user_id AS "userId", v.exercise_id AS "exerciseId", s.id AS "submissionId",
               s.score AS "score", s.max_score AS "maxScore", s.created_at AS "submittedAt",
               s.flag_severity::text AS "flagSeverity"
          FROM submissions s
          JOIN exercise_versions v ON v.id = s.exercise_version_id
          JOIN exercises e ON e.id = v.exercise_id
          JOIN enrolments en ON en.course_id = e.course_id AND en.user_id = s.user_id AND en.role = 'student'
         WHERE e.course_id = ${course.id}::uuid AND ${standingResultSql}
         ORDER BY s.user_id, v.exercise_id, ${ORDER[policy]}`,
    ]);

    const graded = new Set(picks.map((pick) => pick.exerciseId));
    const columns = exercises.filter((exercise) => exercise.currentVersion?.status === 'valid' || graded.has(exercise.id));
    const slugOf = new Map(columns.map((exercise) => [exercise.id, exercise.slug]));
    const cells = new Map<string, Map<string, GradebookCell>>();
    for (const pick of picks) {
      const slug = slugOf.get(pick.exerciseId);
      if (!slug) continue;
      if (!cells.has(pick.userId)) cells.set(pick.userId, new Map());
      cells.get(pick.userId)!.set(slug, {
        score: Number(pick.score),
        maxScore: Number(pick.maxScore),
        submissionId: pick.submissionId,
        submittedAt: new Date(pick.submittedAt).toISOString(),
        ...(pick.flagSeverity ? { flagSeverity: pick.flagSeverity } : {}),
      });
    }

    const exerciseViews: GradebookExercise[] = columns.map((exercise) => ({
      slug: exercise.slug,
      title: exercise.title,
      maxScore: exercise.currentVersion?.maxScore ?? exercise.versions[0]?.maxScore ?? 0,
    }));
    const students = enrolments
      .map(({ user }) => {
        const own = cells.get(user.id);
        const grades = Object.fromEntries(exerciseViews.map((exercise) => [exercise.slug, own?.get(exercise.slug) ?? null]));
        const total = round([...(own?.values() ?? [])].reduce((sum, cell) => sum + cell.score, 0));
        return { id: user.id, displayName: user.displayName, externalId: user.externalId, grades, total };
      })
      .sort((a, b) => a.displayName.localeCompare(b.displayName) || a.id.localeCompare(b.id));

    return {
      course: course.slug,
      policy,
      generatedAt: new Date().toISOString(),
      exercises: exerciseViews,
      maxTotal: round(exerciseViews.reduce((sum, exercise) => sum + exercise.maxScore, 0)),
      students,
    };
  }
}
