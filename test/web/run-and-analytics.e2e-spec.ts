import type { AddressInfo } from 'node:net';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';
import { buildWebPages, launchBrowser, newPage, screenshot } from './browser';
import { newProgramExercise, seedGradedSubmission } from './web-data';

/** The page's full width in CSS pixels (wider than the viewport = something overflows). */
const scrollWidth = () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth;

/** Replaces the editor's text as a user would (select all, then type), without auto-closed brackets. */
async function setEditorText(page: Page, text: string): Promise<void> {
  const editor = page.locator('.cm-content').first();
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/**
 * The "Run" button on the student's exercise page (real worker, real sandbox container) and the
 * instructor's per-test analytics page, in Debian's Chromium at 1280 px and 390 px.
 */
describe('web: Run without grading, and per-test analytics', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let browser: Browser;
  let base: string;
  let prisma: PrismaService;
  let courseSlug: string;
  let runSlug: string;
  let statsSlug: string;
  let student: { id: string; key: string };
  let instructor: { id: string; key: string };

  beforeAll(async () => {
    buildWebPages();
    app = await startApi({ TRY_RUN_TIME_SECONDS: '3', TRY_RUN_WAIT_SECONDS: '2' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const people = await data.newCourseWithPeople();
    courseSlug = people.course.slug;
    student = people.student;
    instructor = people.instructor;
    runSlug = (await data.newExercise(people.course.id, 'imports')).slug;

    // Analytics over seeded results: three students, two tests.
    const stats = await newProgramExercise(prisma, people.course.id, {
      title: 'Weak cache',
      statement: 'Let entries go.',
      tests: [
        { name: 'lookup is right', points: 1, hidden: false },
        { name: 'entries are freed', points: 2, hidden: true },
      ],
      limits: { memoryMiB: 128, timeSeconds: 10 },
    });
    statsSlug = stats.slug;
    const others = [await data.newUser('student'), await data.newUser('student')];
    for (const other of others) await data.enrol(people.course.id, other.id, 'student');
    const freed = { name: 'entries are freed', score: 2, maxScore: 2, passed: true, hidden: true, message: 'freed' };
    const leaked = (mib: string) => ({
      name: 'entries are freed',
      score: 0,
      maxScore: 2,
      passed: false,
      hidden: true,
      message: `memory grew by ${mib} MiB <img src=x onerror="window.__xss=1">`,
    });
    const right = { name: 'lookup is right', score: 1, maxScore: 1, passed: true, message: 'ok' };
    const wrong = { name: 'lookup is right', score: 0, maxScore: 1, passed: false, message: 'expected 3, got 4' };
    await seedGradedSubmission(prisma, { versionId: stats.version.id, userId: student.id, tests: [right, freed] });
    await seedGradedSubmission(prisma, { versionId: stats.version.id, userId: others[0].id, tests: [right, leaked('82.42')] });
    await seedGradedSubmission(prisma, { versionId: stats.version.id, userId: others[1].id, tests: [wrong, leaked('80.1')] });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await app?.close();
  });

  it.each([1280, 390])('a student presses Run and reads the output, peak memory and a timeout in words (%i px)', async (width) => {
    const { context, page, problems } = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    let dialogs = 0;
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    try {
      await page.goto(`${base}/#key=${encodeURIComponent(student.key)}&to=/c/${courseSlug}/e/${runSlug}`);
      await page.locator('#page-title').waitFor();
      await setEditorText(page, 'print(6 * 7)\nprint("<img src=x onerror=alert(1)>")\n');
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      const finished = page.locator('.try-result[data-outcome="finished"]');
      await finished.waitFor({ timeout: 60_000 });
      await expect(finished.locator('pre').first().textContent()).resolves.toBe('42\n<img src=x onerror=alert(1)>\n');
      await expect(finished.innerText()).resolves.toMatch(/peak memory\s+\d+(\.\d)? MiB/);
      expect(await page.locator('.try-result img').count()).toBe(0);
      await screenshot(page, `try-run-finished-${width}`);

      // An endless loop, run from the keyboard: the outcome says which limit stopped it.
      await setEditorText(page, 'while True:\n    pass\n');
      await page.getByRole('button', { name: 'Run', exact: true }).focus();
      await page.keyboard.press('Enter');
      const stopped = page.locator('.try-result[data-outcome="timeout"]');
      await stopped.waitFor({ timeout: 60_000 });
      await expect(stopped.innerText()).resolves.toContain('stopped after the time limit of 3 s');
      expect(await page.evaluate(scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `try-run-timeout-${width}`);
      // A try-run is no submission.
      expect(await prisma.submission.count({ where: { userId: student.id, exerciseVersion: { exercise: { slug: runSlug } } } })).toBe(0);
      expect(dialogs).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it.each([1280, 390])('an instructor reads pass rates, the common failure, the histogram and the trend (%i px)', async (width) => {
    const { context, page, problems } = await newPage(browser);
    await page.setViewportSize({ width, height: 900 });
    try {
      await page.goto(`${base}/#key=${encodeURIComponent(instructor.key)}&to=/teach/${courseSlug}/exercises/${statsSlug}`);
      await page.getByRole('link', { name: 'Per-test analytics' }).click();
      await page.getByRole('heading', { name: 'Analytics: Weak cache' }).waitFor();
      const rows = page.locator('table.analytics-tests tbody tr');
      await expect(rows.count()).resolves.toBe(2);
      await expect(rows.nth(0).locator('td').nth(1).textContent()).resolves.toBe('2 of 3');
      await expect(rows.nth(0).locator('td').nth(2).textContent()).resolves.toBe('66.7 %');
      await expect(rows.nth(0).locator('td').nth(3).innerText()).resolves.toContain('expected 3, got 4');
      await expect(rows.nth(1).locator('td').nth(1).textContent()).resolves.toBe('1 of 3');
      // The two leak messages differ only in numbers: one group of two, shown as text.
      await expect(rows.nth(1).locator('td').nth(3).innerText()).resolves.toMatch(
        /memory grew by 8[0-9.]+ MiB <img src=x onerror="window.__xss=1">\n2 failing runs read like this/,
      );
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
      const bins = await page.locator('table.analytics-histogram tbody tr td:nth-child(2)').allTextContents();
      expect(bins.map(Number)).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
      await expect(page.locator('table.analytics-trend tbody tr').count()).resolves.toBe(1);
      expect(await page.evaluate(scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(page, `analytics-${width}`);

      // Every graded submission instead: the same three here, said in words.
      await page.getByLabel('Submissions counted', { exact: true }).selectOption('all');
      await page.locator('#analytics-basis-text', { hasText: 'every graded submission' }).waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a student cannot open the analytics page', async () => {
    const { context, page } = await newPage(browser);
    try {
      await page.goto(`${base}/#key=${encodeURIComponent(student.key)}&to=/teach/${courseSlug}/exercises/${statsSlug}/analytics`);
      await page.locator('.error-box').waitFor();
      await expect(page.locator('.error-box').innerText()).resolves.toContain('for its instructors');
    } finally {
      await context.close();
    }
  });
});
