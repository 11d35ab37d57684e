import type { Prisma } from '../generated/prisma/client';
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

/** The policy of one student on one exercise. */
export async function loadPolicy(db: Db, exerciseId: string, userId: string | null): Promise<EffectivePolicy> {
  const exercise = await db.exercise.findUniqueOrThrow({ where: { id: exerciseId }, select: { courseId: true, deadline: true } });
  // One query after another: `db` may be a transaction, which runs one query at a time.
  const courseDefault = await db.courseDeadline.findUnique({ where: { courseId: exercise.courseId } });
  const extension = userId ? await db.deadlineExtension.findUnique({ where: { exerciseId_userId: { exerciseId, userId } } }) : null;
  return resolvePolicy(toSettings(courseDefault), toSettings(exercise.deadline), extension && { dueAt: extension.dueAt, extraAttempts: extension.extraAttempts });
}

/**
 * The same policy when the exercise's course is known (a stored submission's), outside a transaction:
 * its three reads side by side instead of one after another.
 */
export async function loadPolicyInCourse(db: Db, courseId: string, exerciseId: string, userId: string): Promise<EffectivePolicy> {
  const [own, courseDefault, extension] = await Promise.all([
    db.exerciseDeadline.findUnique({ where: { exerciseId } }),
    db.courseDeadline.findUnique({ where: { courseId } }),
    db.deadlineExtension.findUnique({ where: { exerciseId_userId: { exerciseId, userId } } }),
  ]);
  return resolvePolicy(toSettings(courseDefault), toSettings(own), extension && { dueAt: extension.dueAt, extraAttempts: extension.extraAttempts });
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
