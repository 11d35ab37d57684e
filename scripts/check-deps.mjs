// `npm run check:deps`: runs dependency-cruiser with .dependency-cruiser.cjs over src/ and fails on
// any violation, except the folder cycles listed below: the debt that existed when the check came
// in (docs/architecture.md, "Known debt"). Any other cycle is new and fails, including one that
// runs through these folders by another way. dependency-cruiser's own --ignore-known baseline does
// not cover folder-scoped rules (v17), hence this filter.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Folder cycles tolerated as known debt, each from its alphabetically first folder: none today (the
 * last were broken by the outbox and by moving GradingQueueService to queue/). Keep it that way.
 */
const KNOWN_CYCLES = [];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let output;
try {
  output = execFileSync(join(root, 'node_modules/.bin/depcruise'), ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
} catch (error) {
  // depcruise exits with the number of errors; its JSON is on stdout all the same.
  if (!error.stdout) throw error;
  output = error.stdout;
}
const { summary } = JSON.parse(output);
/** A cycle as "a > b > c", rotated to start at its alphabetically first folder. */
function normalised(folders) {
  const names = folders.map((folder) => folder.replace(/^src\//, ''));
  const first = names.indexOf([...names].sort()[0]);
  return [...names.slice(first), ...names.slice(0, first)].join(' > ');
}
const known = new Set(KNOWN_CYCLES.map(normalised));
// A folder cycle is reported as `from` plus the steps back to it (the last step is `from` again).
const isKnown = (violation) => violation.rule.name === 'no-folder-cycle' && known.has(normalised(violation.cycle.map((step) => step.name)));

const fresh = summary.violations.filter((violation) => !isKnown(violation));
const tolerated = summary.violations.length - fresh.length;
for (const violation of fresh) {
  const path = violation.cycle ? [violation.from, ...violation.cycle.map((step) => step.name)].join(' → ') : `${violation.from} → ${violation.to}`;
  console.error(`check:deps: ${violation.rule.name}: ${path}`);
}
console.log(
  `check:deps: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} dependencies; ` +
    `${fresh.length} violation(s), ${tolerated} known folder cycle(s) tolerated (docs/architecture.md)`,
);
process.exit(fresh.length ? 1 : 0);
