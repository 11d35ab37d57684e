import type { ParsedExercise } from '../src/exercises/format/exercise-format';
import type { GradeInput } from '../src/results/grade-outcome';

/** What a grader needs to grade an exercise's reference solution as a student's submission. */
export function referenceGradeInput({ spec, files }: Pick<ParsedExercise, 'spec' | 'files'>, exerciseSlug: string, submissionId: string): GradeInput {
  return {
    submissionId,
    exerciseSlug,
    spec,
    exerciseFiles: files,
    referenceFigures: {},
    studentFiles: Object.fromEntries(spec.studentFiles.map((name) => [name, files[`reference/${name}`]])),
  };
}
