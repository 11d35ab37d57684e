import type { AddressInfo } from 'node:net';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';
import { buildWebPages, launchBrowser, newPage, screenshot } from '../web/browser';

const GOOD = 'total = sum(range(1000))\n';
const HOSTILE_NAME = '<img src=x onerror="window.__xss=1">Eve';

/** How wide the page is (wider than the viewport: it scrolls sideways). */
const pageWidth = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);

/** Whether an element's content is wider than the element itself. */
const overflowsItself = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => {
    const box = el as unknown as { scrollWidth: number; clientWidth: number };
    return box.scrollWidth > box.clientWidth;
  });

/**
 * In Chromium (time zone UTC): an instructor sets an exercise's due date (in the past), a penalty and
 * an attempt limit, and gives one student an extra attempt, all from #/teach/<course>/deadlines; the
 * student's exercise page shows the due date, the attempts used and left and that submitting now is
 * late and costs 10 %; after a real graded submission the result says how late and what counts.
 * Both pages at 1280 px and 390 px, screenshots kept; a display name with markup stays text.
 */
describe('deadline pages: the instructor sets them, the student reads them', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let browser: Browser;
  let base: string;
  let prisma: PrismaService;
  let courseSlug: string;
  let exerciseSlug: string;
  let instructor: { id: string; key: string };
  let student: { id: string; key: string };
  let eve: { id: string; key: string };
  const problems: string[] = [];

  async function open(key: string, to: string, width = 1280): Promise<Page> {
    const fresh = await newPage(browser);
    await fresh.page.setViewportSize({ width, height: 900 });
    fresh.page.on('pageerror', (error) => problems.push(error.message));
    await fresh.page.goto(`${base}/#key=${encodeURIComponent(key)}&to=${to}`);
    return fresh.page;
  }

  beforeAll(async () => {
    buildWebPages();
    app = await startApi({ PUBLISH_CATALOG: 'false' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    [worker, browser] = await Promise.all([startWorker({ PUBLISH_CATALOG: 'false' }), launchBrowser()]);
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const course = await data.newCourse();
    courseSlug = course.slug;
    instructor = await data.newUser('instructor', 'Ines Instructor');
    student = await data.newUser('student', 'Ada Student');
    eve = await data.newUser('student', HOSTILE_NAME);
    await data.enrol(course.id, instructor.id, 'instructor');
    await data.enrol(course.id, student.id, 'student');
    await data.enrol(course.id, eve.id, 'student');
    exerciseSlug = (await data.newExercise(course.id)).slug;
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await app?.close();
  });

  it('the instructor sets a due date, a penalty and an attempt limit, and gives an extra attempt', async () => {
    const page = await open(instructor.key, `/teach/${courseSlug}/deadlines`);
    await page.getByRole('heading', { level: 2, name: 'Course default' }).waitFor();
    await page.getByText(`Edit ${exerciseSlug}`).click();
    const form = page.getByRole('form', { name: `Deadline of ${exerciseSlug}` });
    const due = new Date(Date.now() - 30 * 60 * 60 * 1000); // 30 hours ago: 2 started days late
    const local = due.toISOString().slice(0, 16); // the browser runs in UTC
    await form.getByLabel('Due date').fill(local);
    await form.getByLabel('Late policy').selectOption('penalty');
    await form.getByLabel('Penalty % per day late').fill('10');
    await form.getByLabel('Attempt limit').fill('3');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'late submissions lose 10 % per started day' }).waitFor();

    const stored = await request(app.getHttpServer()).get(`/api/v1/courses/${courseSlug}/deadlines`).set('Authorization', `Bearer ${instructor.key}`).expect(200);
    expect(stored.body.exercises[0].own).toEqual({ dueAt: `${local}:00.000Z`, latePolicy: 'penalty', penaltyPercentPerDay: 10, penaltyFloorPercent: null, maxAttempts: 3 });

    // A bad value is refused with the field named; nothing changes.
    await page.getByText(`Edit ${exerciseSlug}`).click();
    const again = page.getByRole('form', { name: `Deadline of ${exerciseSlug}` });
    await again.getByLabel('Penalty % per day late').fill('150');
    await again.getByLabel('Penalty % per day late').evaluate((input) => (input as unknown as { removeAttribute(name: string): void }).removeAttribute('max'));
    await again.getByRole('button', { name: 'Save' }).click();
    await again.getByText('penaltyPercentPerDay').first().waitFor();

    const extension = page.getByRole('form', { name: 'Give an extension' });
    await extension.getByLabel('Student').selectOption(student.id);
    await extension.getByLabel('Extra attempts').fill('1');
    await extension.getByRole('button', { name: 'Give extension' }).click();
    await page.getByRole('button', { name: `Remove the extension of Ada Student on ${exerciseSlug}` }).waitFor();
    // The hostile display name is an option's text, not markup.
    expect(await page.locator('#extension-student option').allInnerTexts()).toContain(HOSTILE_NAME);
    await screenshot(page, 'deadlines-01-instructor-1280');

    await page.setViewportSize({ width: 390, height: 900 });
    await page.getByRole('heading', { level: 2, name: 'Extensions' }).waitFor();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'deadlines-02-instructor-390');
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await page.context().close();
  });

  it('the student sees the due date, attempts left and the late penalty, and the graded result says what counts', async () => {
    const page = await open(student.key, `/c/${courseSlug}/e/${exerciseSlug}`);
    const standing = page.getByRole('list', { name: 'Due date and attempts' });
    await standing.waitFor();
    await expect(standing.innerText()).resolves.toMatch(/due .*late submissions lose 10 % per started day.*attempts: 0 of 4 used, 4 left/s);
    await page.getByText('The due date has passed: a submission now is late by 2 days and loses 20 % of its score.').waitFor();

    const editor = page.locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(GOOD);
    await page.getByRole('button', { name: 'Submit' }).click();
    const done = page.locator('#result .submission[data-status="graded"]');
    await done.waitFor({ timeout: 60_000 });
    await expect(done.getByTestId('lateness').innerText()).resolves.toMatch(/late by 2 days: 20 % off, 0\.8 counts$/);
    await expect(standing.innerText()).resolves.toContain('attempts: 1 of 4 used, 3 left');
    await screenshot(page, 'deadlines-03-student-1280');

    await page.setViewportSize({ width: 390, height: 900 });
    // The exercise page as a whole is still wider than a phone (issue 12 item 9, another branch):
    // the deadline box itself wraps its text and holds nothing wider than itself.
    expect(await overflowsItself(page, '.deadline-standing')).toBe(false);
    await screenshot(page, 'deadlines-04-student-390');
    await page.context().close();
    expect(problems).toEqual([]);
  });
});
