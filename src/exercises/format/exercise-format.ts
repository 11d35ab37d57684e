import { createHash } from 'node:crypto';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { ExerciseSpec } from '../exercise-spec';
import { declaredTests } from './declared-tests';
import { exerciseYamlSchema, type ExerciseYaml } from './exercise-yaml.schema';

/** One thing wrong with an exercise folder: which file, which field, why. */
export interface ExerciseProblem {
  file: string;
  field?: string;
  reason: string;
}

export class ExerciseFormatError extends Error {
  constructor(readonly problems: ExerciseProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ExerciseFormatError';
  }
}

export const formatProblem = (p: ExerciseProblem) => `${p.file}${p.field ? `: ${p.field}` : ''}: ${p.reason}`;

export const SPEC_FILE = 'exercise.yaml';
export const STATEMENT_FILE = 'statement.md';
export const EXERCISE_SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Harness headroom above the largest per-test ceiling (supervisor, a child's own footprint). */
const CONTAINER_HEADROOM_MIB = 160;
const MAX_FOLDER_BYTES = 2 * 1024 * 1024;
const FILE_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]*\/)*[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** An exercise folder read into memory: relative path → UTF-8 content. */
export type ExerciseFiles = Record<string, string>;

export interface ParsedExercise {
  slug: string;
  spec: ExerciseSpec;
  contentHash: string;
  files: ExerciseFiles;
}

/** The harness plan (plan.json) of a spec, without the reference figures the platform measures. */
export type HarnessPlan = Record<string, unknown>;

/**
 * Checks an exercise folder and turns it into the stored spec. Every problem found is reported at
 * once, each naming the file, the field and the reason.
 */
export function parseExercise(slug: string, input: ExerciseFiles): ParsedExercise {
  const problems: ExerciseProblem[] = [];
  if (!EXERCISE_SLUG.test(slug)) problems.push({ file: slug, reason: 'the folder name must be lower-case letters, digits or "-" (it is the exercise slug)' });
  const files = normaliseFiles(input, problems);
  const yamlText = files[SPEC_FILE];
  if (yamlText === undefined) throw new ExerciseFormatError([...problems, { file: SPEC_FILE, reason: 'is missing' }]);

  const doc = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  for (const error of doc.errors) problems.push({ file: SPEC_FILE, reason: error.message.split('\n')[0] });
  if (doc.errors.length) throw new ExerciseFormatError(problems);
  const raw: unknown = doc.toJS();
  const parsed = exerciseYamlSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ file: SPEC_FILE, field: fieldPath(issue.path) || undefined, reason: reasonOf(issue) });
  }
  // The references between files are checked even when a field is wrong, on whatever did parse, so
  // one run names every problem.
  checkCrossReferences(parsed.success ? parsed.data : looseYaml(raw), files, problems, parsed.success);
  if (problems.length || !parsed.success) throw new ExerciseFormatError(problems);
  const yaml = parsed.data;

  const spec = toSpec(yaml, files[STATEMENT_FILE]);
  return { slug, spec, contentHash: contentHashOf(files), files };
}

function normaliseFiles(input: ExerciseFiles, problems: ExerciseProblem[]): ExerciseFiles {
  const files: ExerciseFiles = {};
  let total = 0;
  for (const [rawPath, content] of Object.entries(input)) {
    const path = rawPath.replace(/\\/g, '/').replace(/^\.\//, '');
    if (!FILE_PATH.test(path) || path.split('/').some((part) => part === '..' || part.startsWith('.'))) {
      problems.push({ file: rawPath, reason: 'is not a plain relative path inside the exercise folder' });
      continue;
    }
    if (typeof content !== 'string') {
      problems.push({ file: path, reason: 'must be a text file' });
      continue;
    }
    total += Buffer.byteLength(content);
    files[path] = content;
  }
  if (total > MAX_FOLDER_BYTES) problems.push({ file: '.', reason: `the folder holds ${total} bytes; at most ${MAX_FOLDER_BYTES} are allowed` });
  return files;
}

/** What the tests and checks may take together, each to its limit: the container must allow that much. */
function neededSeconds(yaml: ExerciseYaml): number {
  return (
    (yaml.defaults.time_limit_s ?? 10) +
    yaml.tests.reduce((sum, t) => sum + (t.time_limit_s ?? yaml.defaults.time_limit_s ?? 10), 0) +
    yaml.amplified.reduce((sum, a) => sum + 2 * (a.time_limit_s ?? 60), 0)
  );
}

/** What cross-references need of exercise.yaml: the fields the checks below read. */
interface CrossReferenced {
  student_files: string[];
  tests: { module?: string; name?: string; backed_by?: string[] }[];
  amplified: { id?: string; workload?: { kind?: unknown; module?: unknown } }[];
}

/** The well-typed parts of an exercise.yaml that failed the schema (indexes kept, so fields still name the entry). */
function looseYaml(raw: unknown): CrossReferenced {
  const root = isObject(raw) ? raw : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const studentFiles = list(root.student_files).filter((f): f is string => typeof f === 'string');
  return {
    student_files: root.student_files === undefined ? ['solution.py'] : studentFiles,
    tests: list(root.tests).map((t) => (isObject(t) ? { module: text(t.module), name: text(t.name), backed_by: list(t.backed_by).filter((b): b is string => typeof b === 'string') } : {})),
    amplified: list(root.amplified).map((a) => (isObject(a) ? { id: text(a.id), workload: isObject(a.workload) ? a.workload : undefined } : {})),
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A schema issue in words, e.g. "must be ≥ 0", "must be a number (it is a string)". */
function reasonOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'number' || issue.origin === 'int') return `must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
      if (issue.origin === 'array') return issue.message.startsWith('Too small') ? `must have at least ${String(issue.minimum)} entr${Number(issue.minimum) === 1 ? 'y' : 'ies'}` : issue.message;
      return issue.message.startsWith('Too small') ? `must be at least ${String(issue.minimum)} long` : issue.message;
    case 'too_big':
      if (issue.origin === 'number' || issue.origin === 'int') return `must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
      return issue.message.startsWith('Too big') ? `must be at most ${String(issue.maximum)} long` : issue.message;
    case 'invalid_type': {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined) return `is required (${issue.expected})`;
      if (issue.expected === 'int') return 'must be a whole number';
      return `must be ${issue.expected === 'array' || issue.expected === 'object' ? 'an' : 'a'} ${issue.expected} (it is ${input === null ? 'null' : Array.isArray(input) ? 'a list' : `a ${typeof input}`})`;
    }
    case 'invalid_union': {
      // A discriminated union (the workload's kind) whose discriminator matched no option.
      const options = (issue as { options?: unknown[] }).options;
      if (options?.length) return `must be one of ${options.map((o) => `"${String(o)}"`).join(', ')}`;
      return issue.message.replace(/^Invalid input: /, '');
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')} (a typo?)`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function checkCrossReferences(yaml: CrossReferenced, files: ExerciseFiles, problems: ExerciseProblem[], complete: boolean): void {
  const needed = complete ? Math.ceil(neededSeconds(yaml as ExerciseYaml) + 5) : 0;
  const limit = complete ? (yaml as ExerciseYaml).limits.time_seconds : undefined;
  if (limit !== undefined && limit < needed) {
    problems.push({
      file: SPEC_FILE,
      field: 'limits.time_seconds',
      reason: `is ${limit} s, but the import check, tests and out-of-process checks may take ${needed} s together at their limits: one endless loop would cost tests that never ran (raise it, or lower the tests' time_limit_s)`,
    });
  }
  if (!files[STATEMENT_FILE]?.trim()) problems.push({ file: STATEMENT_FILE, reason: 'is missing or empty: students need a statement' });
  for (const name of yaml.student_files) {
    if (files[`starter/${name}`] === undefined) problems.push({ file: `starter/${name}`, reason: `is missing: every student file needs a starter` });
    if (files[`reference/${name}`] === undefined) problems.push({ file: `reference/${name}`, reason: `is missing: every student file needs a reference solution` });
  }
  const ids = new Set(yaml.amplified.map((check) => check.id));
  const seenIds = new Set<string>();
  yaml.amplified.forEach((check, index) => {
    if (check.id === undefined) return;
    if (seenIds.has(check.id)) problems.push({ file: SPEC_FILE, field: `amplified[${index}].id`, reason: `"${check.id}" is used twice` });
    seenIds.add(check.id);
    const workload = check.workload;
    if (workload?.kind === 'custom' && typeof workload.module === 'string' && !hasModule(files, workload.module)) {
      problems.push({ file: SPEC_FILE, field: `amplified[${index}].workload.module`, reason: `tests/${modulePath(workload.module)} does not exist` });
    }
  });
  const names = new Set<string>();
  yaml.tests.forEach((test, index) => {
    if (test.module !== undefined && !hasModule(files, test.module)) {
      problems.push({ file: SPEC_FILE, field: `tests[${index}].module`, reason: `tests/${modulePath(test.module)} does not exist` });
    } else if (test.module !== undefined && test.name !== undefined) {
      // The harness runs the @test of that name in that module; a name it does not declare would
      // only fail at grading time, for every student.
      const declared = declaredTests(files[`tests/${modulePath(test.module)}`]);
      const name = test.name.trim();
      if (!declared.dynamic && !declared.names.includes(name)) {
        const known = declared.names.length ? `it declares ${declared.names.map((n) => `"${n}"`).join(', ')}` : 'it declares no @test';
        problems.push({ file: SPEC_FILE, field: `tests[${index}].name`, reason: `tests/${modulePath(test.module)} has no @test named "${name}" (${known})` });
      }
    }
    if (test.name !== undefined) {
      if (names.has(test.name)) problems.push({ file: SPEC_FILE, field: `tests[${index}].name`, reason: `"${test.name}" is used twice` });
      names.add(test.name);
    }
    for (const id of test.backed_by ?? []) {
      if (!ids.has(id)) problems.push({ file: SPEC_FILE, field: `tests[${index}].backed_by`, reason: `"${id}" is not the id of an amplified check` });
    }
  });
}

const modulePath = (module: string) => `${module.replace(/\./g, '/')}.py`;
const hasModule = (files: ExerciseFiles, module: string) => files[`tests/${modulePath(module)}`] !== undefined;

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

function toSpec(yaml: ExerciseYaml, statement: string): ExerciseSpec {
  const testMemory = Math.max(
    yaml.defaults.memory_mib ?? 256,
    ...yaml.tests.map((t) => t.memory_mib ?? yaml.defaults.memory_mib ?? 256),
    ...yaml.amplified.map((a) => a.memory_mib ?? 256),
  );
  const testTime = neededSeconds(yaml);
  const plan: HarnessPlan = {
    student_files: yaml.student_files,
    defaults: yaml.defaults,
    preload: yaml.preload,
    ...(yaml.allow.length ? { allow: yaml.allow } : {}),
    ...(yaml.output_limit_bytes === undefined ? {} : { output_limit_bytes: yaml.output_limit_bytes }),
    tests: yaml.tests,
    amplified: yaml.amplified,
  };
  return {
    title: yaml.title,
    statement,
    studentFiles: yaml.student_files,
    tests: yaml.tests.map((t) => ({ name: t.name, points: t.points, hidden: t.hidden })),
    limits: {
      memoryMiB: yaml.limits.memory_mib ?? testMemory + CONTAINER_HEADROOM_MIB,
      // Every test and check could run to its limit; a run that takes that long is stopped.
      timeSeconds: yaml.limits.time_seconds ?? Math.min(3600, Math.ceil(testTime + 15)),
      ...(yaml.limits.cpus === undefined ? {} : { cpus: yaml.limits.cpus }),
    },
    plan,
  };
}

/** SHA-256 over the sorted paths and contents: the identity of an exercise version. */
export function contentHashOf(files: ExerciseFiles): string {
  const hash = createHash('sha256');
  for (const path of Object.keys(files).sort()) hash.update(`${path}\0${files[path]}\0`);
  return hash.digest('hex');
}
