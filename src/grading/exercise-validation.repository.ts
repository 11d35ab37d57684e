import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ValidationOutcome, ValidationStep } from './exercise-validation';

/**
 * The worker's queries of an exercise version's validation: the pending version with its files,
 * its progress, its outcome (and the exercise's current version with it), and the versions whose
 * validation job was lost (the sweeper). The API's queries of exercises are in exercises/exercise.repository.ts.
 */
@Injectable()
export class ExerciseValidationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The version with its files, spec and exercise, whatever its status. */
  findToValidate(exerciseVersionId: string) {
    return this.prisma.exerciseVersion.findUnique({ where: { id: exerciseVersionId }, include: { exercise: true } });
  }

  /** The steps so far, while the version is still pending (the publish page shows them). */
  async storeProgress(exerciseVersionId: string, steps: ValidationStep[]): Promise<void> {
    await this.prisma.exerciseVersion.updateMany({ where: { id: exerciseVersionId, status: 'pending' }, data: { validation: { inProgress: true, steps } as object } });
  }

  /** Ends a still pending version as invalid, with one problem: `problem`. */
  async markPendingInvalid(exerciseVersionId: string, problem: string, checkedAt: Date): Promise<void> {
    await this.prisma.exerciseVersion.updateMany({
      where: { id: exerciseVersionId, status: 'pending' },
      data: { status: 'invalid', validation: { checkedAt: checkedAt.toISOString(), problems: [problem] } },
    });
  }

  /**
   * Stores the outcome on the version and, when it is valid and newer than the exercise's current
   * version (or there is none), makes it current, titled `title`: one transaction, so the current
   * version and the versions' statuses change together.
   */
  async recordOutcome(version: { id: string; number: number; exerciseId: string }, outcome: ValidationOutcome, title: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.exerciseVersion.update({
        where: { id: version.id },
        data: { status: outcome.status, validation: outcome.report as object, referencePeaks: outcome.referenceFigures },
      });
      if (outcome.status !== 'valid') return;
      const current = await tx.exercise.findUniqueOrThrow({ where: { id: version.exerciseId }, include: { currentVersion: true } });
      if (!current.currentVersion || current.currentVersion.number < version.number) {
        await tx.exercise.update({ where: { id: version.exerciseId }, data: { currentVersionId: version.id, title } });
      }
    });
  }

  /** The ids of up to 100 versions still pending that were made before `createdBefore`. */
  async pendingCreatedBefore(createdBefore: Date): Promise<string[]> {
    const pending = await this.prisma.exerciseVersion.findMany({ where: { status: 'pending', createdAt: { lt: createdBefore } }, select: { id: true }, take: 100 });
    return pending.map((version) => version.id);
  }
}
