import { validateExercise, type ValidationStep } from './exercise-validation';
import type { GradeInput, GradeOutcome } from '../results/grade-outcome';
import type { ExerciseSpec } from '../exercises/exercise-spec';

const spec = {
  title: 't',
  statement: 's',
  studentFiles: ['solution.py'],
  tests: [{ name: 'only', points: 2, hidden: false }],
  limits: { memoryMiB: 256, timeSeconds: 30 },
} as unknown as ExerciseSpec;
const files = { 'reference/solution.py': 'def f():\n    return 1\n', 'starter/solution.py': 'def f():\n    pass\n', 'wrong/solution.py': 'def f():\n    return 2\n' };

/** A grader in the sandbox's place: the reference earns both points, everything else none. */
const grade = async (input: GradeInput): Promise<GradeOutcome> => {
  const full = input.studentFiles['solution.py'] === files['reference/solution.py'];
  return {
    verdict: 'ok',
    tests: [{ name: 'only', score: full ? 2 : 0, maxScore: 2, passed: full, message: '', hidden: false }],
    exitCode: 0,
    wallMs: 1,
    peakMemoryBytes: null,
    stdout: '',
    stderr: '',
    flags: [],
    report: {},
  };
};

describe('validation progress', () => {
  it('reports every step before it runs and once at the end, each done with its score, and the outcome is the same', async () => {
    const seen: ValidationStep[][] = [];
    const outcome = await validateExercise('ex', spec, files, grade, (steps) => void seen.push(steps));
    const names = seen[0].map((s) => s.name);
    expect(names.slice(0, 4)).toEqual(['reference (measuring, 4 runs)', 'reference', 'starter', 'wrong']);
    expect(names.length).toBe(4 + (outcome.report.nulls?.length ?? 0));
    // One report as each step starts (it is running, the earlier ones done), and one at the end.
    expect(seen).toHaveLength(names.length + 1);
    seen.slice(0, -1).forEach((steps, i) => expect(steps.map((s) => s.state)).toEqual(names.map((_, j) => (j < i ? 'done' : j === i ? 'running' : 'waiting'))));
    const last = seen[seen.length - 1];
    expect(last.every((s) => s.state === 'done')).toBe(true);
    expect(last.slice(1, 4).map((s) => [s.name, s.score, s.maxScore])).toEqual([
      ['reference', 2, 2],
      ['starter', 0, 2],
      ['wrong', 0, 2],
    ]);
    expect(outcome.status).toBe('valid');
    expect(await validateExercise('ex', spec, files, grade)).toMatchObject({ status: 'valid', report: { problems: [] } });
  });
});
