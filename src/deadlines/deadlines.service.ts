import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { ForbiddenError, InvalidInputError, NotFoundError, SubmissionRefusedError } from '../common/errors/domain-errors';
import type { Course } from '../generated/prisma/client';
import { admit, latenessOf, countedScore, resolvePolicy, type EffectivePolicy } from './deadline-policy';
import { DeadlineRepository } from './deadline.repository';
import { toSettings, type Db } from './deadline-store';
import { toEffectiveView, toLatenessView, toSettingsView } from './deadline-views';
import type { CourseDeadlinesView, DeadlineSettingsView, DeadlineStatusView, ExtensionView, SubmissionLatenessView } from './dto/deadline-views.dto';
import type { DeadlineSettingsDto, ExtensionDto } from './dto/deadline.dto';

/**
 * Due dates, late policies, attempt limits and extensions: the rules (deadline-policy.ts) applied to
 * what is stored. Submissions ask `admitOrRefuse` before storing one; the gradebook, the submission
 * view and LTI passback read the policy to score late work.
 */
@Injectable()
export class DeadlinesService {
  constructor(
    private readonly repository: DeadlineRepository,
    private readonly access: AccessPolicy,
  ) {}

  /**
   * Inside the transaction that stores a submission, under a lock per student and exercise (so two
   * requests at once cannot both take the last attempt): throws SubmissionRefusedError when the
   * exercise is closed for this student or their attempts are used up. Only students are held to
   * deadlines: course staff and admins submitting as themselves are not.
   */
  async admitOrRefuse(tx: Db, courseId: string, exerciseId: string, userId: string, acceptedAt: Date): Promise<void> {
    // The exercise's course is `courseId`: its roster role comes with the policy, in one statement.
    const { policy, rosterRole } = await this.repository.policyAndRole(exerciseId, userId, tx);
    if (rosterRole !== 'student') return;
    if (!policy.dueAt && policy.maxAttempts === null) return;
    // Counting and storing under one lock: only a limit needs it.
    if (policy.maxAttempts !== null) await this.repository.lockAttempts(tx, exerciseId, userId);
    const admission = admit(policy, acceptedAt, policy.maxAttempts === null ? 0 : await this.repository.attemptsUsed(userId, exerciseId, tx));
    if (admission.accepted) return;
    throw new SubmissionRefusedError(admission.reason === 'closed' ? 'deadline_passed' : 'attempt_limit_reached', admission.message, [
      { field: admission.field, reason: admission.message },
    ]);
  }

  /** The policy a stored submission is judged by: its student's on its exercise (one statement). */
  policyOfSubmission(submission: { userId: string; exerciseVersion: { exercise: { id: string } } }): Promise<EffectivePolicy> {
    return this.repository.policy(submission.exerciseVersion.exercise.id, submission.userId);
  }

  /** How one submission stands against its student's deadline under `policy` (policyOfSubmission): the submission view. */
  latenessOfSubmission(policy: EffectivePolicy, createdAt: Date, score: number | null): SubmissionLatenessView {
    const lateness = latenessOf(policy, createdAt);
    return toLatenessView(policy, lateness, score === null ? null : countedScore(score, lateness));
  }

  async courseDeadlines(principal: Principal, courseSlug: string): Promise<CourseDeadlinesView> {
    const course = await this.access.findFor(principal, courseSlug, 'readAll');
    const [courseDefault, exercises] = await Promise.all([this.repository.courseDefault(course.id), this.repository.exercisesWithDeadlines(course.id)]);
    const base = toSettings(courseDefault);
    return {
      course: course.slug,
      default: toSettingsView(base),
      exercises: exercises.map((exercise) => ({
        exercise: exercise.slug,
        own: toSettingsView(toSettings(exercise.deadline)),
        effective: toEffectiveView(resolvePolicy(base, toSettings(exercise.deadline), null)),
      })),
    };
  }

  async setCourseDefault(principal: Principal, courseSlug: string, dto: DeadlineSettingsDto): Promise<DeadlineSettingsView> {
    const course = await this.access.findFor(principal, courseSlug, 'editCourse');
    const data = settingsData(dto);
    const row = await this.repository.setCourseDefault(course.id, data);
    return toSettingsView(toSettings(row));
  }

  async setExerciseDeadline(principal: Principal, courseSlug: string, exerciseSlug: string, dto: DeadlineSettingsDto): Promise<DeadlineSettingsView> {
    const course = await this.access.findFor(principal, courseSlug, 'editCourse');
    const exercise = await this.exerciseOf(course, exerciseSlug);
    const data = settingsData(dto);
    const row = await this.repository.setExerciseDeadline(exercise.id, data);
    return toSettingsView(toSettings(row));
  }

  async extensions(principal: Principal, courseSlug: string, exerciseSlug: string): Promise<ExtensionView[]> {
    const course = await this.access.findFor(principal, courseSlug, 'readAll');
    const exercise = await this.exerciseOf(course, exerciseSlug);
    const rows = await this.repository.extensions(exercise.id);
    return rows.map((row) => toExtensionView(exercise.slug, row));
  }

  async setExtension(principal: Principal, courseSlug: string, exerciseSlug: string, userId: string, dto: ExtensionDto): Promise<ExtensionView> {
    const course = await this.access.findFor(principal, courseSlug, 'editCourse');
    const exercise = await this.exerciseOf(course, exerciseSlug);
    await this.studentOf(course, userId);
    const dueAt = dto.dueAt ? new Date(dto.dueAt) : null;
    const extraAttempts = dto.extraAttempts ?? 0;
    if (!dueAt && extraAttempts === 0) {
      throw new InvalidInputError('an extension needs a dueAt, extraAttempts of at least 1, or both', [
        { field: 'dueAt', reason: 'or extraAttempts is required' },
        { field: 'extraAttempts', reason: 'or dueAt is required' },
      ]);
    }
    const row = await this.repository.setExtension(exercise.id, userId, dueAt, extraAttempts);
    return toExtensionView(exercise.slug, row);
  }

  async removeExtension(principal: Principal, courseSlug: string, exerciseSlug: string, userId: string): Promise<void> {
    const course = await this.access.findFor(principal, courseSlug, 'editCourse');
    const exercise = await this.exerciseOf(course, exerciseSlug);
    if (!(await this.repository.removeExtension(exercise.id, userId)))
      throw new NotFoundError(`student ${userId} has no extension on exercise "${exercise.slug}"`, [{ field: 'userId', reason: 'has no extension on this exercise' }]);
  }

  /**
   * A student's standing on an exercise: due date, attempts used and left, whether a submission now
   * would be late or refused. Students read their own; staff name the student with `studentId`.
   */
  async status(principal: Principal, courseSlug: string, exerciseSlug: string, studentId?: string): Promise<DeadlineStatusView> {
    const course = await this.access.findVisible(principal, courseSlug);
    const exercise = await this.exerciseOf(course, exerciseSlug);
    const staff = await this.access.canReadAll(principal, course.id);
    let userId = principal.userId;
    if (studentId !== undefined && studentId !== principal.userId) {
      if (!staff) throw new ForbiddenError('students may only read their own deadline status', [{ field: 'student', reason: 'is for course staff only' }]);
      await this.studentOf(course, studentId);
      userId = studentId;
    } else if (principal.role === 'lms') {
      throw InvalidInputError.field('student', 'is required for lms keys: the memgrade id of the student');
    }
    const policy = await this.repository.policy(exercise.id, userId);
    const used = await this.repository.attemptsUsed(userId, exercise.id);
    return statusView(exercise.slug, userId, policy, used, new Date());
  }

  private async exerciseOf(course: Course, exerciseSlug: string) {
    const exercise = await this.repository.exercise(course.id, exerciseSlug);
    if (!exercise)
      throw new NotFoundError(`exercise "${exerciseSlug}" does not exist`, [{ field: 'exercise', reason: `no exercise "${exerciseSlug}" in course "${course.slug}"` }]);
    return exercise;
  }

  private async studentOf(course: Course, userId: string): Promise<void> {
    if ((await this.repository.rosterRole(course.id, userId)) !== 'student') {
      throw new NotFoundError(`student ${userId} is not enrolled in course "${course.slug}"`, [{ field: 'userId', reason: 'no such student in this course' }]);
    }
  }
}

function settingsData(dto: DeadlineSettingsDto) {
  return {
    dueAt: dto.dueAt ? new Date(dto.dueAt) : null,
    latePolicy: dto.latePolicy ?? null,
    penaltyPercentPerDay: dto.penaltyPercentPerDay ?? null,
    penaltyFloorPercent: dto.penaltyFloorPercent ?? null,
    maxAttempts: dto.maxAttempts ?? null,
  };
}

function toExtensionView(
  exercise: string,
  row: { userId: string; dueAt: Date | null; extraAttempts: number; updatedAt: Date; user: { displayName: string; externalId: string | null } },
): ExtensionView {
  return {
    exercise,
    studentId: row.userId,
    displayName: row.user.displayName,
    externalId: row.user.externalId,
    dueAt: row.dueAt?.toISOString() ?? null,
    extraAttempts: row.extraAttempts,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function statusView(exercise: string, studentId: string, policy: EffectivePolicy, used: number, now: Date): DeadlineStatusView {
  const admission = admit(policy, now, used);
  const lateness = latenessOf(policy, now);
  return {
    ...toEffectiveView(policy),
    exercise,
    studentId,
    attemptsUsed: used,
    attemptsLeft: policy.maxAttempts === null ? null : Math.max(0, policy.maxAttempts - used),
    open: admission.accepted,
    closedReason: admission.accepted ? null : admission.message,
    lateNow: lateness.late,
    daysLateNow: lateness.daysLate,
    penaltyPercentNow: lateness.penaltyPercent,
    now: now.toISOString(),
  };
}
