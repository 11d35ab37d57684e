import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { CourseRole, LatePolicy } from '../generated/prisma/enums';
import type { EffectivePolicy } from './deadline-policy';
import { attemptsUsed, loadPolicy, loadPolicyAndRole, type Db } from './deadline-store';

/** A deadline's stored settings, as written. */
export interface SettingsData {
  dueAt: Date | null;
  latePolicy: LatePolicy | null;
  penaltyPercentPerDay: number | null;
  penaltyFloorPercent: number | null;
  maxAttempts: number | null;
}

/**
 * The queries of deadlines: the course's and exercises' settings, extensions, and what admission
 * reads (each of those takes the transaction that stores the submission).
 */
@Injectable()
export class DeadlineRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The user's role on the course's roster, or null. */
  async rosterRole(courseId: string, userId: string, db: Db = this.prisma): Promise<CourseRole | null> {
    const enrolment = await db.enrolment.findUnique({ where: { courseId_userId: { courseId, userId } }, select: { role: true } });
    return enrolment?.role ?? null;
  }

  /** The student's policy on the exercise: the course default, the exercise's own, their extension. */
  policy(exerciseId: string, userId: string | null, db: Db = this.prisma): Promise<EffectivePolicy> {
    return loadPolicy(db, exerciseId, userId);
  }

  /** The policy with the user's role on the exercise's course roster (null when not on it), in one statement. */
  policyAndRole(exerciseId: string, userId: string, db: Db = this.prisma) {
    return loadPolicyAndRole(db, exerciseId, userId);
  }

  attemptsUsed(userId: string, exerciseId: string, db: Db = this.prisma): Promise<number> {
    return attemptsUsed(db, userId, exerciseId);
  }

  /** Holds, until the transaction ends, the lock under which one student's attempts on one exercise are counted and stored. */
  async lockAttempts(tx: Db, exerciseId: string, userId: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`memgrade:attempts:${exerciseId}:${userId}`}))`;
  }

  courseDefault(courseId: string) {
    return this.prisma.courseDeadline.findUnique({ where: { courseId } });
  }

  /** The course's exercises by slug, each with its own deadline. */
  exercisesWithDeadlines(courseId: string) {
    return this.prisma.exercise.findMany({ where: { courseId }, include: { deadline: true }, orderBy: { slug: 'asc' } });
  }

  setCourseDefault(courseId: string, data: SettingsData) {
    return this.prisma.courseDeadline.upsert({ where: { courseId }, create: { courseId, ...data }, update: data });
  }

  setExerciseDeadline(exerciseId: string, data: SettingsData) {
    return this.prisma.exerciseDeadline.upsert({ where: { exerciseId }, create: { exerciseId, ...data }, update: data });
  }

  exercise(courseId: string, slug: string) {
    return this.prisma.exercise.findUnique({ where: { courseId_slug: { courseId, slug } } });
  }

  /** The exercise's extensions with their students, oldest first. */
  extensions(exerciseId: string) {
    return this.prisma.deadlineExtension.findMany({ where: { exerciseId }, include: { user: true }, orderBy: { createdAt: 'asc' } });
  }

  setExtension(exerciseId: string, userId: string, dueAt: Date | null, extraAttempts: number) {
    return this.prisma.deadlineExtension.upsert({
      where: { exerciseId_userId: { exerciseId, userId } },
      create: { exerciseId, userId, dueAt, extraAttempts },
      update: { dueAt, extraAttempts },
      include: { user: true },
    });
  }

  /** Whether there was an extension to remove. */
  async removeExtension(exerciseId: string, userId: string): Promise<boolean> {
    const { count } = await this.prisma.deadlineExtension.deleteMany({ where: { exerciseId, userId } });
    return count > 0;
  }
}
