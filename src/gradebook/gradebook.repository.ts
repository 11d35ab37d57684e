import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { loadCoursePolicies } from '../deadlines/deadline-store';
import type { FlagSeverity } from '../results/flag-summary';
import { standingResultSql } from '../submissions/standing-result';

/** A submission whose stored result counts, as the gradebook picks from them. */
export interface GradedRow {
  id: string;
  userId: string;
  exerciseId: string;
  score: number;
  maxScore: number;
  createdAt: Date;
  flagSeverity: FlagSeverity | null;
}

/** The queries of the gradebook: a course's students, its exercises and their graded submissions. */
@Injectable()
export class GradebookRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The course's students (by roster role) with their names and LMS ids. */
  students(courseId: string) {
    return this.prisma.enrolment.findMany({
      where: { courseId, role: 'student' },
      include: { user: { select: { id: true, displayName: true, externalId: true } } },
    });
  }

  /** The course's exercises by slug, with the current version's and the newest version's figures. */
  exercises(courseId: string) {
    return this.prisma.exercise.findMany({
      where: { courseId },
      include: {
        currentVersion: { select: { maxScore: true, status: true } },
        versions: { orderBy: { number: 'desc' }, take: 1, select: { maxScore: true } },
      },
      orderBy: { slug: 'asc' },
    });
  }

  /** Every submission of the course's students whose stored result counts (submissions/standing-result.ts), any version. */
  async standingGrades(courseId: string): Promise<GradedRow[]> {
    const rows = await this.prisma.$queryRaw<GradedRow[]>`
      SELECT s.id, s.user_id AS "userId", v.exercise_id AS "exerciseId", s.score, s.max_score AS "maxScore",
             s.created_at AS "createdAt", s.flag_severity::text AS "flagSeverity"
        FROM submissions s
        JOIN exercise_versions v ON v.id = s.exercise_version_id
        JOIN exercises e ON e.id = v.exercise_id
        JOIN enrolments en ON en.course_id = e.course_id AND en.user_id = s.user_id AND en.role = 'student'
       WHERE e.course_id = ${courseId}::uuid AND ${standingResultSql}`;
    return rows;
  }

  /** The deadline policy of each exercise and student of the course (deadlines/deadline-store.ts). */
  deadlinePolicies(courseId: string) {
    return loadCoursePolicies(this.prisma, courseId);
  }
}
