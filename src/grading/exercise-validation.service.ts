import { Injectable, Logger } from '@nestjs/common';
import type { ExerciseSpec } from '../exercises/exercise-spec';
import { SubmissionGrader } from '../results/grade-outcome';
import { validateExercise, type ValidationStep } from './exercise-validation';
import { ExerciseValidationRepository } from './exercise-validation.repository';

/**
 * Validates a pending exercise version in the worker (rules in exercise-validation.ts) and records
 * the outcome. A valid version becomes the exercise's current one, unless a newer one is already.
 */
@Injectable()
export class ExerciseValidationService {
  private readonly logger = new Logger(ExerciseValidationService.name);

  constructor(
    private readonly versions: ExerciseValidationRepository,
    private readonly grader: SubmissionGrader,
  ) {}

  async validate(exerciseVersionId: string): Promise<'valid' | 'invalid' | 'skipped'> {
    const version = await this.versions.findToValidate(exerciseVersionId);
    if (!version || version.status !== 'pending') return 'skipped';
    const spec = version.spec as unknown as ExerciseSpec;
    // While it runs, the version's validation holds the steps so far (the publish page shows them).
    const progress = async (steps: ValidationStep[]) => {
      await this.versions
        .storeProgress(version.id, steps)
        .catch((error: Error) => this.logger.warn({ versionId: version.id, error: error.message }, 'validation progress not stored'));
    };
    const outcome = await validateExercise(version.exercise.slug, spec, version.files as Record<string, string>, (input) => this.grader.grade(input), progress);
    await this.versions.recordOutcome(version, outcome, spec.title);
    this.logger.log({ exercise: version.exercise.slug, version: version.number, status: outcome.status, problems: outcome.report.problems }, 'exercise version validated');
    return outcome.status;
  }

  /** Ends a version whose validation could not run (retries spent), so it is not pending for ever. */
  async fail(exerciseVersionId: string, reason: string): Promise<void> {
    await this.versions.markPendingInvalid(exerciseVersionId, `validation could not run: ${reason}`, new Date());
  }
}
