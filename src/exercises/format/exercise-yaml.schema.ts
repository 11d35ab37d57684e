import { z } from 'zod';

/**
 * exercise.yaml: the fields of the harness's plan.json (sandbox/harness/README.md, "plan.json"),
 * plus the title and the container's limits. Unknown fields are refused, so a typo is an error.
 */
const moduleName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/, 'must be a Python module name');
const fileName = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/, 'must be a plain file name (no directories)');
const mib = z.number().int('must be a whole number of MiB').min(16).max(16384);
const seconds = z.number().min(0.1).max(600);

export const testSchema = z.strictObject({
  module: moduleName,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  points: z.number().min(0).max(1000).default(1),
  hidden: z.boolean().default(false),
  time_limit_s: seconds.optional(),
  memory_mib: mib.optional(),
  backed_by: z.array(z.string().min(1)).optional(),
  id: z.string().min(1).max(300).optional(),
});

export const amplifiedSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be letters, digits, "_", "." or "-"'),
  workload: z
    .object({ kind: z.enum(['calls', 'build', 'custom']) })
    .catchall(z.unknown()),
  gc: z.enum(['on', 'off']).default('on'),
  // The same bounds as the harness's plan.py: validate and the container always agree.
  max_growth_mib: z.number().min(0.1).max(65536).default(20),
  /** For checks that must see memory kept (a structure that is a cycle): growth at least this. */
  min_growth_mib: z.number().min(0).max(65536).optional(),
  time_limit_s: seconds.optional(),
  memory_mib: mib.optional(),
});

export const exerciseYamlSchema = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').max(200),
  student_files: z.array(fileName).min(1, 'must name at least one file').default(['solution.py']),
  limits: z
    .strictObject({
      memory_mib: mib.optional(),
      time_seconds: z.number().int().min(1).max(3600).optional(),
      cpus: z.number().min(0.1).max(64).optional(),
    })
    .default({}),
  defaults: z
    .strictObject({ time_limit_s: seconds.optional(), memory_mib: mib.optional(), startup_limit_s: z.number().min(1).max(120).optional() })
    .default({}),
  preload: z.array(moduleName).default([]),
  /** Introspection tools the exercise teaches, allowed by name in submissions (guard.py ALLOWABLE). */
  allow: z.array(z.enum(['sys._getframe', 'sys.settrace', 'sys.setprofile', 'gc.get_objects', 'gc.get_referrers', 'gc.get_referents', 'frames'])).default([]),
  output_limit_bytes: z.number().int().min(0).max(1 << 22).optional(),
  tests: z.array(testSchema).min(1, 'must list at least one test'),
  amplified: z.array(amplifiedSchema).default([]),
});

export type ExerciseYaml = z.infer<typeof exerciseYamlSchema>;
