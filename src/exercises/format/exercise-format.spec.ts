import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { contentHashOf, ExerciseFormatError, parseExercise, type ExerciseFiles } from './exercise-format';

const FIXTURE = resolve(__dirname, '../../../test/fixtures/exercises/squares');
const CATALOG = resolve(__dirname, '../../../exercises');
const formatFixture = (name: string) => readFileSync(resolve(__dirname, '../../../test/fixtures/exercise-format', name), 'utf8');

function readFolder(dir: string): ExerciseFiles {
  const files: ExerciseFiles = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

function problemsOf(files: ExerciseFiles, slug = 'squares') {
  try {
    parseExercise(slug, files);
  } catch (error) {
    if (error instanceof ExerciseFormatError) return error.problems;
    throw error;
  }
  throw new Error('expected format problems');
}

describe('parseExercise', () => {
  const good = readFolder(FIXTURE);

  it('turns a folder into the stored spec and the harness plan', () => {
    const { spec, contentHash } = parseExercise('squares', good);
    expect(spec).toMatchObject({
      title: 'Sum of squares without a list',
      studentFiles: ['solution.py'],
      tests: [
        { name: 'total is right', points: 1, hidden: false },
        { name: 'total stays within 5 MiB', points: 2, hidden: true },
      ],
      // 256 MiB per test + the harness's headroom; the import check and two tests of 10 s, two runs
      // of a 20 s check, + margin.
      limits: { memoryMiB: 416, timeSeconds: 85 },
      plan: { student_files: ['solution.py'], tests: expect.any(Array), amplified: [expect.objectContaining({ id: 'big-total-rss', max_growth_mib: 5 })] },
    });
    expect(spec.statement).toContain('# Sum of squares');
    expect(contentHash).toBe(contentHashOf(good));
  });

  it('hashes content, not the order files arrive in', () => {
    const reversed = Object.fromEntries(Object.entries(good).reverse());
    expect(contentHashOf(reversed)).toBe(contentHashOf(good));
    expect(contentHashOf({ ...good, 'statement.md': `${good['statement.md']} ` })).not.toBe(contentHashOf(good));
  });

  it('refuses a container time limit smaller than what the tests and checks need together', () => {
    const yaml = good['exercise.yaml'].replace('title: Sum of squares without a list', 'title: Sum of squares without a list\nlimits: {time_seconds: 30}');
    expect(problemsOf({ ...good, 'exercise.yaml': yaml })).toEqual([
      { file: 'exercise.yaml', field: 'limits.time_seconds', reason: expect.stringContaining('may take 75 s together') },
    ]);
  });

  it('names file, field and reason for each problem, all at once', () => {
    const yaml = good['exercise.yaml'].replace('points: 2', 'points: two').replace('module: test_total\n    name: total stays', 'module: test_missing\n    name: total stays');
    expect(problemsOf({ ...good, 'exercise.yaml': yaml })).toEqual([
      { file: 'exercise.yaml', field: 'tests[1].points', reason: 'must be a number (it is a string)' },
      { file: 'exercise.yaml', field: 'tests[1].module', reason: 'tests/test_missing.py does not exist' },
    ]);
    const missing = { ...good };
    delete missing['reference/solution.py'];
    delete missing['statement.md'];
    expect(problemsOf(missing)).toEqual([
      { file: 'statement.md', reason: expect.stringContaining('missing') },
      { file: 'reference/solution.py', reason: expect.stringContaining('missing') },
    ]);
    const unknownModule = good['exercise.yaml'].replace('module: test_total\n    name: total is right', 'module: test_missing\n    name: total is right');
    expect(problemsOf({ ...good, 'exercise.yaml': unknownModule })).toEqual([
      { file: 'exercise.yaml', field: 'tests[0].module', reason: 'tests/test_missing.py does not exist' },
    ]);
  });

  it('refuses unknown fields, YAML syntax errors, bad slugs and paths that leave the folder', () => {
    expect(problemsOf({ ...good, 'exercise.yaml': `${good['exercise.yaml']}\ntitel: typo\n` })).toEqual([
      { file: 'exercise.yaml', reason: expect.stringContaining('titel') },
    ]);
    expect(problemsOf({ ...good, 'exercise.yaml': 'title: [unclosed\n' })[0]).toMatchObject({ file: 'exercise.yaml' });
    expect(problemsOf(good, 'Bad Slug')).toEqual([{ file: 'Bad Slug', reason: expect.stringContaining('folder name') }]);
    expect(problemsOf({ ...good, '../escape.py': 'x' })).toEqual([{ file: '../escape.py', reason: expect.stringContaining('relative path') }]);
  });

  it('reports every problem of an exercise.yaml in one go: schema errors and references alike, each with its path', () => {
    expect(problemsOf({ ...good, 'exercise.yaml': formatFixture('many-problems.yaml') })).toEqual([
      { file: 'exercise.yaml', field: 'tests[1].points', reason: 'must be a number (it is a string)' },
      { file: 'exercise.yaml', field: 'tests[2].points', reason: 'must be ≥ 0' },
      { file: 'exercise.yaml', field: 'tests[2].name', reason: 'tests/test_total.py has no @test named "total is rigth" (it declares "total is right", "total stays within 5 MiB")' },
      { file: 'exercise.yaml', field: 'tests[3].module', reason: 'tests/test_missing.py does not exist' },
      { file: 'exercise.yaml', field: 'tests[3].backed_by', reason: '"no-such-check" is not the id of an amplified check' },
    ]);
  });

  it('names a test that exercise.yaml lists but its module does not declare, read from the Python source without running it', () => {
    expect(problemsOf({ ...good, 'exercise.yaml': formatFixture('unknown-test-name.yaml') })).toEqual([
      { file: 'exercise.yaml', field: 'tests[1].name', reason: 'tests/test_total.py has no @test named "total stays within 5 MB" (it declares "total is right", "total stays within 5 MiB")' },
    ]);
    // A module that declares no test at all says so.
    const empty = { ...good, 'tests/test_total.py': 'from memgrade_harness import test\n' };
    expect(problemsOf(empty).map((p) => p.reason)).toEqual([
      'tests/test_total.py has no @test named "total is right" (it declares no @test)',
      'tests/test_total.py has no @test named "total stays within 5 MiB" (it declares no @test)',
    ]);
  });

  it('accepts every exercise of the shipped catalog: each name it lists is declared in its module', () => {
    const slugs = readdirSync(CATALOG).filter((name) => !name.startsWith('.') && statSync(join(CATALOG, name)).isDirectory());
    expect(slugs.length).toBeGreaterThan(5);
    for (const slug of slugs) expect(() => parseExercise(slug, readFolder(join(CATALOG, slug)))).not.toThrow();
  });

  it('checks that backed_by names an amplified check', () => {
    const yaml = good['exercise.yaml'].replace('    points: 1\n', '    points: 1\n    backed_by: [nope]\n');
    expect(problemsOf({ ...good, 'exercise.yaml': yaml })).toEqual([
      { file: 'exercise.yaml', field: 'tests[0].backed_by', reason: '"nope" is not the id of an amplified check' },
    ]);
  });
});
