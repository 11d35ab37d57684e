import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';
import { buildWebPages, launchBrowser, newPage, screenshot } from './browser';
import { newProgramExercise, seedGradedSubmission } from './web-data';

// What a hostile student supplies: each would run if any page inserted it as HTML.
const PAYLOADS = ['<script>window.__pwned = "script"</script>', '<img src=x onerror="window.__pwned = \'img\'">', '<svg onload="window.__pwned = \'svg\'"></svg>'];

const FIRST_CODE = `def lookup(key):
    return _cache.get(key)

_cache = {}
`;
const FLAGGED_CODE = `import sys
# ${PAYLOADS[0]}
frame = sys._getframe(1)  # ${PAYLOADS[1]}

def lookup(key):
    return _cache.setdefault(key, object())

_cache = {}
`;

const SYNTAX = 'Your file could not be imported: SyntaxError: invalid syntax (solution.py, line 3)\n    def lookup(key)\n                  ^';

const pwned = (page: Page) => page.evaluate(() => (globalThis as { __pwned?: string }).__pwned ?? null);

/**
 * The pages for review and learning: flags and evidence marks only for staff, hidden tests without
 * names for students, measurements in words, one message for a file that did not load, submitted
 * code with its diff and "restore into the editor", the student's output — and nothing a student
 * supplied ever runs as HTML.
 */
describe('web pages: flags for staff, hidden tests, feedback in words, code history', () => {
  let app: INestApplication;
  let browser: Browser;
  let base: string;
  let prisma: PrismaService;
  let courseSlug: string;
  let exerciseSlug: string;
  let student: { id: string; key: string };
  let instructor: { id: string; key: string };
  const ids: Record<string, string> = {};
  const opened: { problems: string[] }[] = [];

  beforeAll(async () => {
    buildWebPages();
    app = await startApi();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const course = await prisma.course.create({ data: { slug: `review-${Date.now().toString(36)}`, title: 'Reviewing memory' } });
    courseSlug = course.slug;
    instructor = await data.newUser('instructor', 'Ines Instructor');
    // A display name is student-supplied too (an LMS passes it on).
    student = await data.newUser('student', `Mallory ${PAYLOADS[1]}`);
    await data.enrol(course.id, instructor.id, 'instructor');
    await data.enrol(course.id, student.id, 'student');
    const exercise = await newProgramExercise(prisma, course.id, {
      title: 'Cache lookup',
      statement: 'Look keys up without keeping them.',
      tests: [
        { name: 'lookup keeps no reference', points: 2, hidden: false },
        { name: 'grows little when repeated', points: 2, hidden: false },
        { name: 'SECRET stress with a million keys', points: 3, hidden: true },
      ],
      limits: { memoryMiB: 64, timeSeconds: 10 },
    });
    exerciseSlug = exercise.slug;
    const t0 = Date.now() - 3_600_000;

    ids.first = await seedGradedSubmission(prisma, {
      versionId: exercise.version.id,
      userId: student.id,
      createdAt: new Date(t0),
      files: { 'solution.py': FIRST_CODE },
      stdout: 'first run says hello\n',
      tests: [
        { name: 'lookup keeps no reference', score: 2, maxScore: 2, passed: true, message: 'No reference kept.' },
        { name: 'grows little when repeated', score: 0, maxScore: 2, passed: false, message: 'Memory grew.' },
      ],
    });
    ids.flagged = await seedGradedSubmission(prisma, {
      versionId: exercise.version.id,
      userId: student.id,
      createdAt: new Date(t0 + 60_000),
      files: { 'solution.py': FLAGGED_CODE },
      flagSeverity: 'high',
      flags: [
        {
          kind: 'static',
          severity: 'high',
          code: 'frame-access',
          message: 'sys._getframe reaches the grader from inside its own process',
          file: 'solution.py',
          line: 3,
          text: `frame = sys._getframe(1)  # ${PAYLOADS[1]}`,
        },
        { kind: 'runtime', severity: 'medium', code: 'monkeypatch', message: `gc.collect was replaced ${PAYLOADS[2]}`, where: 'test "lookup keeps no reference"' },
      ],
      stdout: `printed at import ${PAYLOADS[0]} ${PAYLOADS[1]}\nSECRET-OUTPUT from the hidden test\n`,
      stderr: '',
      outputSections: [
        { label: 'import', hidden: false, stdout: `printed at import ${PAYLOADS[0]} ${PAYLOADS[1]}\n`, stderr: `warning ${PAYLOADS[2]}\n` },
        { label: 'SECRET stress with a million keys', hidden: true, stdout: 'SECRET-OUTPUT from the hidden test\n', stderr: '' },
      ],
      tests: [
        {
          name: 'lookup keeps no reference',
          score: 0,
          maxScore: 2,
          passed: false,
          message:
            "lookup keeps a reference to its argument: 100 of 100 objects passed to it are still alive after the calls (refcount delta +1 per call); it is still referenced by: method (not reachable from your module's variables).",
          measurements: { status: 'contradicted', calls: 100, leaked: 100, refcount_delta: 1, kept_until_gc: 0 },
        },
        {
          name: 'grows little when repeated',
          score: 2,
          maxScore: 2,
          passed: true,
          message: 'Memory stayed within the budget.',
          measurements: { out_of_process_lookup_rss: { growth_mib: 82.42, max_growth_mib: 20, passed: false }, settings: { warmup: 3, mode: 'strict', keys: ['a', 'b'] } },
        },
        { name: 'SECRET stress with a million keys', score: 3, maxScore: 3, passed: true, hidden: true, message: 'SECRET peak 31 MiB', detail: 'SECRET reference detail' },
      ],
    });
    ids.syntax = await seedGradedSubmission(prisma, {
      versionId: exercise.version.id,
      userId: student.id,
      createdAt: new Date(t0 + 120_000),
      verdict: 'crashed',
      files: { 'solution.py': 'import sys\n\ndef lookup(key)\n    return key\n' },
      tests: [
        { name: 'lookup keeps no reference', score: 0, maxScore: 2, passed: false, message: SYNTAX, measurements: { status: 'crashed' } },
        { name: 'grows little when repeated', score: 0, maxScore: 2, passed: false, message: SYNTAX, measurements: { status: 'crashed' } },
        { name: 'SECRET stress with a million keys', score: 0, maxScore: 3, passed: false, hidden: true, message: SYNTAX },
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  afterEach(() => {
    expect(opened.flatMap((p) => p.problems.splice(0))).toEqual([]);
  });

  async function signedIn(key: string, to: string): Promise<Page> {
    const fresh = await newPage(browser);
    opened.push(fresh);
    await fresh.page.goto(`${base}/#key=${encodeURIComponent(key)}&to=${to}`);
    return fresh.page;
  }

  it('a student sees no flag and no hidden test name, measurements in words, their output and code, and no payload runs', async () => {
    const page = await signedIn(student.key, `/s/${ids.flagged}`);
    const submission = page.locator('.submission[data-status="graded"]');
    await submission.waitFor();
    const text = await page.locator('main').innerText();
    // Hidden: no name, message, detail or output of the hidden test; no flag, no evidence mark.
    expect(text).toContain('Hidden test 1');
    expect(text).not.toContain('SECRET');
    expect(await page.locator('.flags, .evidence, .severity').count()).toBe(0);
    expect(text).not.toMatch(/flag|evidence disagreed|contradicted|_getframe reaches/i);
    await expect(submission.locator('.test', { hasText: 'Hidden test 1' }).locator('.test-points').innerText()).resolves.toBe('3 / 3 pts');
    // Measurements in words and units, never raw JSON.
    expect(text).toContain('Measured outside your program (check “lookup_rss”): memory grew by 82.4 MiB while the work was repeated; at most 20 MiB is allowed — over the budget.');
    expect(text).toContain('What holds it: a bound method');
    expect(text).toContain('Nothing waited for the cycle collector');
    expect(text).toContain('Leaks: 100 objects still alive after 100 calls');
    await expect(submission.locator('table.kv').innerText()).resolves.toMatch(/Warmup:\s*3/);
    expect(text).not.toMatch(/[{[]"|":/);
    // Output: only the visible section, as text.
    const output = page.locator('.student-output');
    await expect(output.innerText()).resolves.toContain(`printed at import ${PAYLOADS[0]} ${PAYLOADS[1]}`);
    await expect(output.innerText()).resolves.toContain(`warning ${PAYLOADS[2]}`);
    await expect(output.locator('.withheld').innerText()).resolves.toContain('hidden tests');
    // Code: the submitted file, as text, with its diff to the previous submission.
    const code = page.locator('.submitted-code');
    await code.locator('.code-listing').waitFor();
    await expect(code.locator('.code-listing').innerText()).resolves.toContain(PAYLOADS[0]);
    const lines = async (selector: string) => (await code.locator(selector).allTextContents()).map((l) => l.replace(/\n$/, ''));
    await expect(lines('.diff-line.add')).resolves.toEqual([
      'added: + import sys',
      `added: + # ${PAYLOADS[0]}`,
      `added: + frame = sys._getframe(1)  # ${PAYLOADS[1]}`,
      'added: + ',
      'added: +     return _cache.setdefault(key, object())',
    ]);
    await expect(lines('.diff-line.del')).resolves.toEqual(['removed: -     return _cache.get(key)']);
    // No payload ran, and none became an element.
    expect(await page.locator('main script, main img').count()).toBe(0);
    expect(await page.locator('main [onerror], main [onload]').count()).toBe(0);
    expect(await pwned(page)).toBeNull();
    await screenshot(page, 'r1-student-flagged-submission');

    // Restore into the editor: the exercise page opens with that code, and keeps it as the draft.
    await page.getByRole('button', { name: 'Restore into the editor' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cache lookup' }).waitFor();
    await page.getByText(`Restored the code of submission ${ids.flagged.slice(0, 8)}`).waitFor();
    await expect(page.locator('.cm-content').innerText()).resolves.toContain('frame = sys._getframe(1)');
    // The exercise's list of tests names no hidden test either.
    await expect(page.locator('.test-plan').innerText()).resolves.toContain('Hidden test 1');
    expect(await page.locator('main').innerText()).not.toContain('SECRET');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Cache lookup' }).waitFor();
    await expect(page.locator('.cm-content').innerText()).resolves.toContain('frame = sys._getframe(1)');
    expect(await pwned(page)).toBeNull();
  });

  it('a syntax error is said once, above the tests, not in every card', async () => {
    const page = await signedIn(student.key, `/s/${ids.syntax}`);
    await page.locator('.submission[data-status="graded"]').waitFor();
    const failure = page.locator('.run-failure');
    await expect(failure.locator('.error-title').innerText()).resolves.toBe('Your file could not be loaded, so no test could run');
    await expect(failure.locator('pre').innerText()).resolves.toContain('SyntaxError: invalid syntax (solution.py, line 3)');
    const text = await page.locator('.submission').innerText();
    expect(text.split('SyntaxError').length - 1).toBe(1);
    expect(await page.locator('.test-message').count()).toBe(0);
    await expect(page.locator('.test').count()).resolves.toBe(3);
    await screenshot(page, 'r2a-student-syntax-error');
    // The first submission: its whole output (no hidden test ran in it), and no earlier one to compare.
    await page.goto(`${base}/#/s/${ids.first}`);
    await page.locator('.submission[data-status="graded"]').waitFor();
    await expect(page.locator('.student-output pre.stdout').innerText()).resolves.toMatch(/^first run says hello\s*$/);
    await page.getByText('This is the first submission of this exercise.').waitFor();
    await screenshot(page, 'r2-student-first-submission');
  });

  it('an instructor sees the flags with severity, file:line and source text, evidence marks, hidden detail and all output', async () => {
    const page = await signedIn(instructor.key, `/s/${ids.flagged}`);
    const flags = page.locator('section.flags');
    await flags.waitFor();
    await expect(page.locator('.submission-summary .severity').innerText()).resolves.toBe('Flagged: High');
    const items = flags.locator('.flag');
    await expect(items.count()).resolves.toBe(2);
    await expect(items.nth(0).locator('.severity').innerText()).resolves.toBe('High');
    await expect(items.nth(0).locator('.flag-place').innerText()).resolves.toBe('solution.py:3');
    await expect(items.nth(0).locator('.flag-source').innerText()).resolves.toBe(`frame = sys._getframe(1)  # ${PAYLOADS[1]}`);
    await expect(items.nth(1).locator('.severity').innerText()).resolves.toBe('Medium');
    await expect(items.nth(1).innerText()).resolves.toContain('Seen in test "lookup keeps no reference"');
    await expect(items.nth(1).locator('.flag-message').innerText()).resolves.toBe(`gc.collect was replaced ${PAYLOADS[2]}`);
    await expect(flags.locator('.evidence-list').innerText()).resolves.toContain('Evidence disagreed lookup keeps no reference');
    const card = page.locator('.test', { hasText: 'lookup keeps no reference' });
    await expect(card.locator('.evidence').innerText()).resolves.toContain('contradicted the in-process result');
    expect(await card.locator('table.kv').count()).toBe(0); // the mark is not repeated as a raw status
    const hidden = page.locator('.test', { hasText: 'SECRET stress with a million keys' });
    await expect(hidden.locator('.test-message').innerText()).resolves.toBe('SECRET peak 31 MiB');
    await expect(page.locator('.student-output').innerText()).resolves.toContain('SECRET-OUTPUT from the hidden test');
    expect(await page.locator('main script, main img, main [onerror], main [onload]').count()).toBe(0);
    expect(await pwned(page)).toBeNull();
    await screenshot(page, 'r3-instructor-flags');

    // The submissions table filters by flags and marks each row.
    await page.goto(`${base}/#/teach/${courseSlug}/submissions`);
    const rows = page.locator('table.submissions tbody tr');
    await rows.nth(2).waitFor();
    await expect(rows.count()).resolves.toBe(3);
    await expect(page.locator('table.submissions').innerText()).resolves.toContain(`Mallory ${PAYLOADS[1]}`);
    await page.getByLabel('Flags', { exact: true }).selectOption({ label: 'Flagged high' });
    await page.waitForFunction(
      () => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('table.submissions tbody tr').length === 1,
    );
    await expect(rows.first().locator('.severity').innerText()).resolves.toBe('High');
    await page.getByLabel('Flags', { exact: true }).selectOption({ label: 'Not flagged' });
    await page.waitForFunction(
      () => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('table.submissions tbody tr').length === 2,
    );
    await screenshot(page, 'r4-instructor-submissions-not-flagged');

    // The gradebook marks the counting submission (best: the flagged one, 5 of 7).
    await page.goto(`${base}/#/teach/${courseSlug}/gradebook`);
    const book = page.locator('table.gradebook');
    await book.waitFor();
    await expect(book.locator('.severity').innerText()).resolves.toBe('Flagged: High');
    await expect(book.innerText()).resolves.toContain(`Mallory ${PAYLOADS[1]}`);
    expect(await page.locator('main img, main script').count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV with flag columns' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe(`student_id,external_id,display_name,${exerciseSlug},total,${exerciseSlug}_flag`);
    expect(csv[1]).toMatch(/,5,5,high$/);
    expect(await pwned(page)).toBeNull();
    await screenshot(page, 'r5-instructor-gradebook-flags');
  });
});
