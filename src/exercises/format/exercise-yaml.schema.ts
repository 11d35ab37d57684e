import { z } from 'zod';
import { PLAN_FIELDS } from './plan-fields.generated';

/**
 * exercise.yaml: the fields of the harness's plan.json (sandbox/harness/README.md, "plan.json"),
 * plus the title and the container's limits. Unknown fields are refused, so a typo is an error.
 * Every range, enum and pattern of a plan field comes from the harness's plan_fields.json (through
 * plan-fields.generated.ts), which plan.py reads too: what validates here, the container accepts.
 */
type NumberField = keyof typeof PLAN_FIELDS.numbers;

const numberSpec = (field: NumberField): { min: number; max: number; default?: number; integer?: boolean } => PLAN_FIELDS.numbers[field];

/** A plan number within its bounds, whole when the harness wants it whole. */
function boundedNumber(field: NumberField) {
  const spec = numberSpec(field);
  return (spec.integer ? z.number().int('must be a whole number') : z.number()).min(spec.min).max(spec.max);
}

/** An optional plan number (the harness fills its default). */
const planNumber = (field: NumberField) => boundedNumber(field).optional();

/** A plan number whose default is filled here already (the stored spec shows it). */
function planNumberWithDefault(field: NumberField) {
  const fallback = numberSpec(field).default;
  if (fallback === undefined) throw new Error(`plan_fields.json: ${field} has no default`);
  return boundedNumber(field).default(fallback);
}

const pattern = (name: keyof typeof PLAN_FIELDS.patterns) => new RegExp(PLAN_FIELDS.patterns[name]);
const moduleName = z.string().regex(pattern('module'), 'must be a Python module name');
const functionName = z.string().regex(pattern('module'), 'must be a Python name');
const fileName = z.string().regex(pattern('file'), 'must be a plain file name (no directories, at most 100 characters)');
const mib = z.number().int('must be a whole number of MiB').min(16).max(16384);

export const testSchema = z.strictObject({
  module: moduleName,
  name: z.string().trim().min(1, 'must not be empty').max(PLAN_FIELDS.strings['test.name'].max_length),
  points: planNumberWithDefault('test.points'),
  hidden: z.boolean().default(false),
  time_limit_s: planNumber('test.time_limit_s'),
  memory_mib: planNumber('test.memory_mib'),
  backed_by: z.array(z.string().min(1)).optional(),
  id: z.string().trim().min(1, 'must not be empty').max(PLAN_FIELDS.strings['test.id'].max_length).optional(),
});

const workloadNumbers = {
  calls: planNumber('workload.calls'),
  warmup: planNumber('workload.warmup'),
  arg_bytes: planNumber('workload.arg_bytes'),
  args: z.array(z.unknown()).optional(),
};
const [, , customKind] = PLAN_FIELDS.enums.workload_kind;

/** What the workload runs: a student function (`calls`: with a fresh argument per call; `build`), or an instructor one (`custom`). */
export const workloadSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(PLAN_FIELDS.enums.workload_kind.filter((k) => k !== customKind) as ['calls', 'build']), module: moduleName.optional(), function: functionName, ...workloadNumbers }),
  z.strictObject({ kind: z.literal(customKind), module: moduleName, function: functionName, ...workloadNumbers }),
]);

export const amplifiedSchema = z.strictObject({
  id: z.string().regex(pattern('check_id'), 'must be 1 to 100 letters, digits, "_", "." or "-"'),
  workload: workloadSchema,
  gc: z.enum(PLAN_FIELDS.enums.gc).default('on'),
  max_growth_mib: planNumberWithDefault('amplified.max_growth_mib'),
  /** For checks that must see memory kept (a structure that is a cycle): growth at least this. */
  min_growth_mib: planNumber('amplified.min_growth_mib'),
  time_limit_s: planNumber('amplified.time_limit_s'),
  memory_mib: planNumber('amplified.memory_mib'),
});

export const exerciseYamlSchema = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').max(200),
  student_files: z.array(fileName).min(1, 'must name at least one file').default([...PLAN_FIELDS.student_files_default]),
  limits: z
    .strictObject({
      memory_mib: mib.optional(),
      time_seconds: z.number().int().min(1).max(3600).optional(),
      cpus: z.number().min(0.1).max(64).optional(),
    })
    .default({}),
  defaults: z
    .strictObject({
      time_limit_s: planNumber('defaults.time_limit_s'),
      memory_mib: planNumber('defaults.memory_mib'),
      startup_limit_s: planNumber('defaults.startup_limit_s'),
    })
    .default({}),
  preload: z.array(moduleName).default([]),
  /** Introspection tools the exercise teaches, allowed by name in submissions (guard.py ALLOWABLE). */
  allow: z.array(z.enum(PLAN_FIELDS.enums.allow)).default([]),
  output_limit_bytes: planNumber('plan.output_limit_bytes'),
  tests: z.array(testSchema).min(1, 'must list at least one test'),
  amplified: z.array(amplifiedSchema).default([]),
});

export type ExerciseYaml = z.infer<typeof exerciseYamlSchema>;
