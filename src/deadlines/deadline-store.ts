import type { Prisma } from '../generated/prisma/client';
import type { CourseRole } from '../generated/prisma/enums';
import { resolvePolicy, type DeadlineSettings, type EffectivePolicy, type StudentExtension } from './deadline-policy';

/** Prisma's client or a transaction's: every read here works inside either. */
export type Db = Prisma.TransactionClient;

interface SettingsRow {
  dueAt: Date | null;
  latePolicy: DeadlineSettings['latePolicy'];
  penaltyPercentPerDay: number | null;
  penaltyFloorPercent: number | null;
  maxAttempts: number | null;
}

export const toSettings = (row: SettingsRow | null): DeadlineSettings | null =>
  row && {
    dueAt: row.dueAt,
    latePolicy: row.latePolicy,
    penaltyPercentPerDay: row.penaltyPercentPerDay,
    penaltyFloorPercent: row.penaltyFloorPercent,
    maxAttempts: row.maxAttempts,
  };

/** One row: the exercise's own settings (e_*), the course default (c_*), the student's extension (x_*), their roster role. */
interface PolicyRow {
  e_has: boolean;
  e_due_at: Date | null;
  e_late_policy: DeadlineSettings['latePolicy'];
  e_penalty: number | null;
  e_floor: number | null;
  e_max_attempts: number | null;
  c_has: boolean;
  c_due_at: Date | null;
  c_late_policy: DeadlineSettings['latePolicy'];
  c_penalty: number | null;
  c_floor: number | null;
  c_max_attempts: number | null;
  x_has: boolean;
  x_due_at: Date | null;
  x_extra_attempts: number | null;
  roster_role: CourseRole | null;
}

const settingsOf = (has: boolean, dueAt: Date | null, latePolicy: DeadlineSettings['latePolicy'], penalty: number | null, floor: number | null, max: number | null) =>
  has ? { dueAt, latePolicy, penaltyPercentPerDay: penalty, penaltyFloorPercent: floor, maxAttempts: max } : null;

/**
 * The policy of one student on one exercise, and the student's role on the exercise's course
 * roster (null when not on it), in one statement: the submission view and every POST read it,
 * and Prisma would send one statement per table.
 */
export async function loadPolicyAndRole(db: Db, exerciseId: string, userId: string | null): Promise<{ policy: EffectivePolicy; rosterRole: CourseRole | null }> {
  const [row] = await db.$queryRaw<PolicyRow[]>`
    SELECT ed.exercise_id IS NOT NULL AS e_has, ed.due_at AS e_due_at, ed.late_policy::text AS e_late_policy,
           ed.penalty_percent_per_day AS e_penalty, ed.penalty_floor_percent AS e_floor, ed.max_attempts AS e_max_attempts,
           cd.course_id IS NOT NULL AS c_has, cd.due_at AS c_due_at, cd.late_policy::text AS c_late_policy,
           cd.penalty_percent_per_day AS c_penalty, cd.penalty_floor_percent AS c_floor, cd.max_attempts AS c_max_attempts,
           x.id IS NOT NULL AS x_has, x.due_at AS x_due_at, x.extra_attempts AS x_extra_attempts,
           en.role::text AS roster_role
      FROM exercises e
      LEFT JOIN exercise_deadlines ed ON ed.exercise_id = e.id
      LEFT JOIN course_deadlines cd ON cd.course_id = e.course_id
      LEFT JOIN deadline_extensions x ON x.exercise_id = e.id AND x.user_id = ${userId}::uuid
      LEFT JOIN enrolments en ON en.course_id = e.course_id AND en.user_id = ${userId}::uuid
     WHERE e.id = ${exerciseId}::uuid`;
  if (!row) throw new Error(`exercise ${exerciseId} does not exist`);
  const policy = resolvePolicy(
    settingsOf(row.c_has, row.c_due_at, row.c_late_policy, row.c_penalty, row.c_floor, row.c_max_attempts),
    settingsOf(row.e_has, row.e_due_at, row.e_late_policy, row.e_penalty, row.e_floor, row.e_max_attempts),
    row.x_has ? { dueAt: row.x_due_at, extraAttempts: row.x_extra_attempts ?? 0 } : null,
  );
  return { policy, rosterRole: row.roster_role };
}

/** The policy of one student on one exercise. */
export async function loadPolicy(db: Db, exerciseId: string, userId: string | null): Promise<EffectivePolicy> {
  return (await loadPolicyAndRole(db, exerciseId, userId)).policy;
}

/** Every policy of a course at once (the gradebook): (exercise, student) → policy, from three queries. */
export async function loadCoursePolicies(db: Db, courseId: string): Promise<(exerciseId: string, userId: string) => EffectivePolicy> {
  const [courseDefault, own, extensions] = await Promise.all([
    db.courseDeadline.findUnique({ where: { courseId } }),
    db.exerciseDeadline.findMany({ where: { exercise: { courseId } } }),
    db.deadlineExtension.findMany({ where: { exercise: { courseId } } }),
  ]);
  const ownOf = new Map(own.map((row) => [row.exerciseId, toSettings(row)]));
  const extensionOf = new Map<string, StudentExtension>(extensions.map((row) => [`${row.exerciseId}:${row.userId}`, { dueAt: row.dueAt, extraAttempts: row.extraAttempts }]));
  const base = toSettings(courseDefault);
  return (exerciseId, userId) => resolvePolicy(base, ownOf.get(exerciseId) ?? null, extensionOf.get(`${exerciseId}:${userId}`) ?? null);
}

/**
 * Submissions that count against the attempt limit: every one not ended in error. A submission
 * ends in error when the sandbox or the platform failed (after retries), when its job was lost three
 * times, or when a newer one replaced it before it was graded: none of those was the student's
 * attempt, so it is given back. A sandbox_error verdict is excluded too, should one ever be stored.
 */
export function attemptsUsed(db: Db, userId: string, exerciseId: string): Promise<number> {
  return db.submission.count({
    where: {
      userId,
      exerciseVersion: { exerciseId },
      status: { in: ['queued', 'running', 'graded'] },
      OR: [{ verdict: null }, { verdict: { not: 'sandbox_error' } }],
    },
  });
}
