// Writes src/exercises/format/plan-fields.generated.ts from the harness's plan_fields.json, the one
// definition of the plan's fields that plan.py reads in the container: exercise.yaml's schema is
// built from it, so `memgrade validate` and the container agree. `--check`: fail when out of date.
// Usage: node scripts/plan-fields.mjs [--check]   (npm run plan-fields)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = 'sandbox/harness/memgrade_harness/plan_fields.json';
const target = 'src/exercises/format/plan-fields.generated.ts';
const fields = JSON.parse(readFileSync(join(root, source), 'utf8'));
delete fields['//'];
const text =
  `// Generated from ${source} by scripts/plan-fields.mjs (npm run plan-fields): do not edit.\n` + `export const PLAN_FIELDS = ${JSON.stringify(fields, null, 2)} as const;\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(join(root, target), 'utf8');
  } catch {
    /* missing: out of date */
  }
  if (current !== text) {
    console.error(`${target} is out of date with ${source}: run npm run plan-fields`);
    process.exit(1);
  }
} else {
  writeFileSync(join(root, target), text);
}
