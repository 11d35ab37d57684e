import type { ExerciseSpec } from '../../exercises/exercise-spec';

/** Where the sandbox delivers the task's files; the harness reads them from there. */
export const HARNESS_TASK_DIR = '/task';

/** What only the judge may read: the plan, the instructor's tests, the reference solution. */
export const HARNESS_PRIVATE_DIRS = ['plan.json', 'tests', 'reference'] as const;

/**
 * The files of one harness run (sandbox/harness/README.md, "Container contract"): plan.json with
 * the measured reference figures, the instructor's tests/ and reference/ (the judge computes the
 * expected answers of every run from it), and the submission under student/.
 */
export function buildHarnessTask(
  exerciseSlug: string,
  spec: ExerciseSpec,
  exerciseFiles: Record<string, string>,
  referenceFigures: Record<string, unknown>,
  studentFiles: Record<string, string>,
): Record<string, string> {
  if (!spec.plan) throw new Error(`exercise ${exerciseSlug} has no harness plan`);
  const plan = { format: 1, exercise: exerciseSlug, ...spec.plan, reference: referenceFigures };
  const files: Record<string, string> = { 'plan.json': JSON.stringify(plan, null, 1) };
  for (const [path, content] of Object.entries(exerciseFiles)) {
    if (path.startsWith('tests/') || path.startsWith('reference/')) files[path] = content;
  }
  for (const [name, content] of Object.entries(studentFiles)) files[`student/${name}`] = content;
  return files;
}
