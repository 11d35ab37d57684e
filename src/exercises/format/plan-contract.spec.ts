import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExerciseFormatError, parseExercise, type ExerciseFiles } from './exercise-format';
import { PLAN_FIELDS } from './plan-fields.generated';

/**
 * The contract between `memgrade validate` (exercise.yaml's schema) and the container (the harness's
 * plan.py): the same corpus of plans, sandbox/harness/tests/fixtures/plans (the harness's own tests
 * read it too), goes through both validators, and both must judge every plan as the corpus says —
 * a valid plan accepted by both, an invalid one refused by both, naming its field.
 */
const HARNESS = resolve(__dirname, '../../../sandbox/harness');
const CORPUS = resolve(HARNESS, 'tests/fixtures/plans');

interface PlanCase {
  why: string;
  invalid_field: string | null;
  plan: Record<string, unknown>;
}

const cases: [string, PlanCase][] = readdirSync(CORPUS)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => [name.replace(/\.json$/, ''), JSON.parse(readFileSync(resolve(CORPUS, name), 'utf8')) as PlanCase]);

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : []);
const isModule = (m: unknown): m is string => typeof m === 'string' && new RegExp(PLAN_FIELDS.patterns.module).test(m);
const modulePath = (m: string) => `tests/${m.replace(/\./g, '/')}.py`;

/** An exercise folder around *plan*: everything the folder checks look for, so only the plan's own fields decide. */
function folderFor(plan: Record<string, unknown>): ExerciseFiles {
  const files: ExerciseFiles = {
    'exercise.yaml': JSON.stringify({ title: 'Contract', ...plan }), // JSON is YAML
    'statement.md': 'A plan of the contract corpus.',
  };
  for (const name of plan.student_files === undefined ? ['solution.py'] : strings(plan.student_files)) {
    if (name.includes('/')) continue;
    files[`starter/${name}`] = '';
    files[`reference/${name}`] = '';
  }
  const declared = new Map<string, string[]>();
  for (const t of records(plan.tests)) {
    if (isModule(t.module)) declared.set(t.module, [...(declared.get(t.module) ?? []), typeof t.name === 'string' ? t.name.trim() : '']);
  }
  for (const a of records(plan.amplified)) {
    const workload = a.workload as Record<string, unknown> | undefined;
    if (workload?.kind === 'custom' && isModule(workload.module)) declared.set(workload.module, declared.get(workload.module) ?? []);
  }
  for (const [module, names] of declared) {
    files[modulePath(module)] = ['from memgrade_harness import test', ...names.map((n, i) => `\n@test(${JSON.stringify(n)})\ndef t${i}():\n    pass\n`)].join('\n');
  }
  return files;
}

/** Problems `memgrade validate` reports for *plan* ([] when valid), and the plan it would store. */
function typescriptVerdict(plan: Record<string, unknown>): { problems: { field?: string; reason: string }[]; stored?: Record<string, unknown> } {
  try {
    return { problems: [], stored: parseExercise('contract', folderFor(plan)).spec.plan };
  } catch (error) {
    if (error instanceof ExerciseFormatError) return { problems: error.problems };
    throw error;
  }
}

/** plan.py's verdict on each plan: null (valid) or its PlanError message. */
function pythonVerdicts(plans: Record<string, unknown>): Record<string, string | null> {
  const run = spawnSync(process.env.PYTHON ?? 'python3', ['-B', resolve(HARNESS, 'tools/validate_plans.py')], {
    input: JSON.stringify(plans),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`validate_plans.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, string | null>;
}

describe('one plan schema: memgrade validate and the container agree', () => {
  const typescript = new Map(cases.map(([name, c]) => [name, typescriptVerdict(c.plan)]));
  const stored = Object.fromEntries([...typescript].filter(([, v]) => v.stored).map(([name, v]) => [`${name} (as stored)`, v.stored]));
  const python = pythonVerdicts({ ...Object.fromEntries(cases.map(([name, c]) => [name, c.plan])), ...stored });

  it('holds valid and invalid plans', () => {
    expect(cases.filter(([, c]) => c.invalid_field === null).length).toBeGreaterThan(3);
    expect(cases.filter(([, c]) => c.invalid_field !== null).length).toBeGreaterThan(30);
  });

  it.each(cases.filter(([, c]) => c.invalid_field === null))('%s: both accept it', (name) => {
    expect(typescript.get(name)?.problems).toEqual([]);
    expect(python[name]).toBeNull();
    // What the platform stores (defaults filled, names trimmed) is what the container then reads.
    expect(python[`${name} (as stored)`]).toBeNull();
  });

  it.each(cases.filter(([, c]) => c.invalid_field !== null))('%s: both refuse it, naming the field', (name, c) => {
    const field = c.invalid_field as string;
    expect(typescript.get(name)?.problems.map((p) => p.field)).toContain(field);
    // plan.py names a list's entry by the list: "plan.student_files must be …".
    expect(python[name]).toContain(field.replace(/\[\d+\]$/, ''));
  });

  it('reads the harness definition (plan-fields.generated.ts is current: npm run plan-fields)', () => {
    const { ['//']: _comment, ...fields } = JSON.parse(readFileSync(resolve(HARNESS, 'memgrade_harness/plan_fields.json'), 'utf8')) as Record<string, unknown>;
    expect(_comment).toEqual(expect.any(String));
    expect(PLAN_FIELDS).toEqual(fields);
  });
});
