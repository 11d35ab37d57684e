import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ExerciseSpec } from '../exercises/exercise-spec';
import { SubmissionGrader } from '../results/grade-outcome';
import { validateExercise, type ValidationOutcome, type ValidationStep } from './exercise-validation';

/**
 * Validates a pending exercise version in the worker (rules in exercise-validation.ts) and records
 * the outcome. A valid version becomes the exercise's current one, unless a newer one is already.
 */
@Injectable()
export class ExerciseValidationService {
  private readonly logger = new Logger(ExerciseValidationService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly grader: SubmissionGrader,
  ) {}

  async validate(exerciseVersionId: string): Promise<'valid' | 'invalid' | 'skipped'> {
    const version = await this.prisma.exerciseVersion.findUnique({ where: { id: exerciseVersionId }, include: { exercise: true } });
    if (!version || version.status !== 'pending') return 'skipped';
    const spec = version.spec as unknown as ExerciseSpec;
    // While it runs, the version's validation holds the steps so far (the publish page shows them).
    const progress = async (steps: ValidationStep[]) => {
      await this.prisma.exerciseVersion
        .updateMany({ where: { id: version.id, status: 'pending' }, data: { validation: { inProgress: true, steps } as object } })
        .catch((error: Error) => this.logger.warn({ versionId: version.id, error: error.message }, 'validation progress not stored'));
    };
    const outcome = await validateExercise(version.exercise.slug, spec, version.files as Record<string, string>, (input) => this.grader.grade(input), progress);
    await this.record(version, outcome, spec.title);
    this.logger.log({ exercise: version.exercise.slug, version: version.number, status: outcome.status, problems: outcome.report.problems }, 'exercise version validated');
    return outcome.status;
  }

  /** Ends a version whose validation could not run (retries spent), so it is not pending for ever. */
  async fail(exerciseVersionId: string, reason: string): Promise<void> {
    await this.prisma.exerciseVersion.updateMany({
      where: { id: exerciseVersionId, status: 'pending' },
      data: { status: 'invalid', validation: { checkedAt: new Date().toISOString(), problems: [`validation could not run: ${reason}`] } },
    });
  }

  private async record(version: { id: string; number: number; exerciseId: string }, outcome: ValidationOutcome, title: string): Promise<void> {
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
}
