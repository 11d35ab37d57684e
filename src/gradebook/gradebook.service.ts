import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { ForbiddenError } from '../common/errors/domain-errors';
import { pickCounting } from '../deadlines/deadline-policy';
import { GradebookRepository, type GradedRow } from './gradebook.repository';
import { GRADEBOOK_POLICIES, type Gradebook, type GradebookCell, type GradebookExercise, type GradebookPolicy } from './gradebook.types';

const round = (value: number) => Math.round(value * 1e6) / 1e6;
const dueAtOf = (dueAt: Date | null) => (dueAt ? { dueAt: dueAt.toISOString() } : {});

/**
 * The gradebook of a course: every enrolled student × every exercise (published, or with graded
 * submissions), each cell the graded submission that counts under the policy, across all versions
 * of the exercise. A submission being graded again counts with its stored result until the new one
 * is stored (submissions/standing-result.ts). For course staff: admins, the course's instructors, the course's lms key.
 */
@Injectable()
export class GradebookService {
  constructor(
    private readonly access: AccessPolicy,
    private readonly repository: GradebookRepository,
  ) {}

  async build(principal: Principal, courseSlug: string, requested?: GradebookPolicy): Promise<Gradebook> {
    const course = await this.access.findVisible(principal, courseSlug);
    if (!(await this.access.canReadAll(principal, course.id))) {
      throw new ForbiddenError(`the gradebook of course "${course.slug}" is for its instructors, an admin or its lms key`);
    }
    const policy = requested ?? (GRADEBOOK_POLICIES.includes(course.gradebookPolicy as GradebookPolicy) ? (course.gradebookPolicy as GradebookPolicy) : 'best');

    const [enrolments, exercises, graded, policyOf] = await Promise.all([
      this.repository.students(course.id),
      this.repository.exercises(course.id),
      // Every graded submission of the course's students: which one counts depends on its student's
      // deadline policy (a late one may lose to an earlier, lower one), so it is picked below.
      this.repository.standingGrades(course.id),
      this.repository.deadlinePolicies(course.id),
    ]);

    const byCell = new Map<string, GradedRow[]>();
    for (const row of graded) {
      const key = `${row.userId}:${row.exerciseId}`;
      if (!byCell.has(key)) byCell.set(key, []);
      byCell.get(key)!.push({ ...row, score: Number(row.score), createdAt: new Date(row.createdAt) });
    }
    const withGrades = new Set(graded.map((row) => row.exerciseId));
    const columns = exercises.filter((exercise) => exercise.currentVersion?.status === 'valid' || withGrades.has(exercise.id));
    const slugOf = new Map(columns.map((exercise) => [exercise.id, exercise.slug]));
    const cells = new Map<string, Map<string, GradebookCell>>();
    for (const rows of byCell.values()) {
      const { userId, exerciseId } = rows[0];
      const slug = slugOf.get(exerciseId);
      if (!slug) continue;
      const pick = pickCounting(rows, policy, policyOf(exerciseId, userId));
      if (!pick) continue;
      const { attempt, lateness } = pick;
      if (!cells.has(userId)) cells.set(userId, new Map());
      cells.get(userId)!.set(slug, {
        score: pick.score,
        maxScore: Number(attempt.maxScore),
        submissionId: attempt.id,
        submittedAt: attempt.createdAt.toISOString(),
        ...(attempt.flagSeverity ? { flagSeverity: attempt.flagSeverity } : {}),
        ...(lateness.late ? { late: true, daysLate: lateness.daysLate, penaltyPercent: lateness.penaltyPercent, rawScore: attempt.score } : {}),
      });
    }

    const exerciseViews: GradebookExercise[] = columns.map((exercise) => ({
      slug: exercise.slug,
      title: exercise.title,
      maxScore: exercise.currentVersion?.maxScore ?? exercise.versions[0]?.maxScore ?? 0,
      ...dueAtOf(policyOf(exercise.id, '').baseDueAt),
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
