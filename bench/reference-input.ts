import type { ParsedExercise } from '../src/exercises/format/exercise-format';
import { solutionFiles } from '../src/grading/exercise-validation';
import type { GradeInput } from '../src/results/grade-outcome';

/** What a grader needs to grade an exercise's reference solution as a student's submission. */
export function referenceGradeInput({ spec, files }: Pick<ParsedExercise, 'spec' | 'files'>, exerciseSlug: string, submissionId: string): GradeInput {
  return {
    submissionId,
    exerciseSlug,
    spec,
    exerciseFiles: files,
    referenceFigures: {},
    studentFiles: solutionFiles(spec, files, 'reference'),
  };
}
