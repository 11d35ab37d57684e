import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';
import { buildWebPages, launchBrowser, newPage, screenshot } from './browser';
import { newProgramExercise, seedGradedSubmission } from './web-data';

// What a hostile person puts in a display name (or an LMS passes on): each would run if inserted as HTML.
const PAYLOADS = ['<script>window.__pwned = "name-script"</script>', '<img src=x onerror="window.__pwned = \'name-img\'">'];
const pwned = (page: Page) => page.evaluate(() => (globalThis as { __pwned?: string }).__pwned ?? null);
const CSV = resolve(__dirname, '../fixtures/rosters/roster-page.csv');

/**
 * The roster page, in Chromium at a laptop's and a phone's width: an instructor lists members,
 * adds a student (and reads their key once), imports a CSV and reads its per-row report, changes
 * a role and removes someone; a TA sees the roster read-only. Names and CSV cells are text: no
 * payload runs, and the page never gets wider than the screen.
 */
describe.each([
  ['desktop', 1280, 900],
  ['phone', 390, 844],
])('web pages: the roster page (%s)', (label, width, height) => {
  let app: INestApplication;
  let browser: Browser;
  let base: string;
  let prisma: PrismaService;
  let course: { id: string; slug: string; title: string };
  let instructor: { id: string; key: string };
  let ta: { id: string; key: string };
  let mallory: { id: string };
  let submissionId: string;
  // Each page's own list (browser.ts): errors it logged and requests that left this origin.
  const opened: string[][] = [];

  beforeAll(async () => {
    buildWebPages();
    app = await startApi();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchBrowser();
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    course = await prisma.course.create({ data: { slug: `roster-${label}-${Date.now().toString(36)}`, title: 'Memory, together' } });
    instructor = await data.newUser('instructor', 'Ines Instructor');
    ta = await data.newUser('student', 'Theo TA');
    mallory = await data.newUser('student', `Mallory ${PAYLOADS[0]}`);
    const eve = await data.newUser('student', `Eve ${PAYLOADS[1]}`);
    await data.enrol(course.id, instructor.id, 'instructor');
    await data.enrol(course.id, ta.id, 'ta');
    await data.enrol(course.id, mallory.id, 'student');
    await data.enrol(course.id, eve.id, 'student');
    const exercise = await newProgramExercise(prisma, course.id, {
      title: 'Weak cache',
      statement: 'Let go of what nobody uses.',
      tests: [
        { name: 'lookup keeps no reference', points: 1, hidden: false },
        { name: 'SECRET drops unused entries', points: 1, hidden: true },
      ],
      limits: { memoryMiB: 64, timeSeconds: 10 },
    });
    submissionId = await seedGradedSubmission(prisma, {
      versionId: exercise.version.id,
      userId: eve.id,
      tests: [
        { name: 'lookup keeps no reference', score: 1, maxScore: 1, passed: true },
        { name: 'SECRET drops unused entries', score: 0, maxScore: 1, passed: false, hidden: true, message: 'SECRET the entry stayed', detail: 'SECRET detail' },
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(key: string): Promise<Page> {
    const fresh = await newPage(browser);
    opened.push(fresh.problems);
    await fresh.page.setViewportSize({ width, height });
    await fresh.page.goto(`${base}/#key=${encodeURIComponent(key)}&to=/teach/${course.slug}/roster`);
    await fresh.page.getByRole('heading', { level: 2, name: 'Members' }).waitFor();
    return fresh.page;
  }

  /** The page's width: tables scroll inside their frame, nothing else may be wider than the screen. */
  const fitsTheScreen = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);

  it('lists members with roles, names as text, from the Roster tab', async () => {
    const page = await open(instructor.key);
    await page.getByRole('link', { name: 'Roster' }).waitFor();
    expect(await page.getByRole('link', { name: 'Roster' }).getAttribute('aria-current')).toBe('page');
    const table = page.getByRole('table', { name: /Members of Memory, together/ });
    await table.getByRole('cell', { name: `Mallory ${PAYLOADS[0]}`, exact: true }).waitFor();
    await table.getByRole('cell', { name: `Eve ${PAYLOADS[1]}`, exact: true }).waitFor();
    expect(await page.getByLabel('Role of Theo TA').inputValue()).toBe('ta');
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await fitsTheScreen(page)).toBeLessThanOrEqual(width);
    await screenshot(page, `roster-${label}-list`);
    expect(await pwned(page)).toBeNull();
    await page.context().close();
  });

  it('adds a student (payload name) and shows their key once; changes a role; removes a member', async () => {
    const page = await open(instructor.key);
    await page.getByLabel('Email').fill(`new-${label}@roster-page.test`);
    await page.getByLabel('Name', { exact: true }).fill(`Nina ${PAYLOADS[1]}`);
    await page.getByLabel('Role', { exact: true }).selectOption('student');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText(`Nina ${PAYLOADS[1]} was created and enrolled as student.`).waitFor();
    const key = (await page.locator('.issued-key').textContent())!;
    expect(key).toMatch(/^mg_/);
    await page
      .getByRole('table', { name: /Members of/ })
      .getByRole('cell', { name: `Nina ${PAYLOADS[1]}`, exact: true })
      .waitFor();

    await page.getByLabel(`Role of Mallory ${PAYLOADS[0]}`).selectOption('ta');
    await page.getByLabel(`Role of Mallory ${PAYLOADS[0]}`).locator('xpath=..').getByRole('button', { name: 'Change' }).click();
    await page.getByText(`Mallory ${PAYLOADS[0]} is now teaching assistant.`).waitFor();
    expect((await prisma.enrolment.findUniqueOrThrow({ where: { courseId_userId: { courseId: course.id, userId: mallory.id } } })).role).toBe('ta');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: `Remove Nina ${PAYLOADS[1]}` }).click();
    await page.getByText(`Nina ${PAYLOADS[1]} was removed.`).waitFor();
    expect(await page.getByRole('cell', { name: `Nina ${PAYLOADS[1]}`, exact: true }).count()).toBe(0);
    expect(await fitsTheScreen(page)).toBeLessThanOrEqual(width);
    await screenshot(page, `roster-${label}-changed`);
    expect(await pwned(page)).toBeNull();
    await page.context().close();
  });

  it('imports a CSV file and shows the report per row, cells as text, formula cells as written', async () => {
    const page = await open(instructor.key);
    await page.getByLabel('CSV file').setInputFiles(CSV);
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.getByRole('table', { name: /Import report/ });
    await report.waitFor();
    expect(await report.locator('tbody tr').count()).toBe(6);
    await report.getByRole('cell', { name: "<script>window.__pwned='csv-script'</script>", exact: true }).waitFor();
    await report.getByRole('cell', { name: `<img src=x onerror="window.__pwned='csv-img'">`, exact: true }).waitFor();
    await report.getByRole('cell', { name: '=HYPERLINK("http://evil.example/","click me")', exact: true }).waitFor();
    await report.getByText('"wizard" is not a role: use one of student, ta, instructor (empty means student)').waitFor();
    await report.getByText('names the same person as line 2: each person once per file').waitFor();
    await page.getByText(/created, .* enrolled, .* with errors\./).waitFor();
    // The members table took the new people in, as text.
    await page
      .getByRole('table', { name: /Members of/ })
      .getByRole('cell', { name: "<script>window.__pwned='csv-script'</script>", exact: true })
      .waitFor();
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await fitsTheScreen(page)).toBeLessThanOrEqual(width);
    await screenshot(page, `roster-${label}-import`);
    expect(await pwned(page)).toBeNull();
    await page.context().close();
  });

  it('shows a TA the roster read-only: no add, import, change or remove', async () => {
    const page = await open(ta.key);
    await page.getByText('Only the course’s instructors and admins change the roster.').waitFor();
    expect(await page.getByRole('heading', { name: 'Add a person' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Import a CSV' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Remove|Change/ }).count()).toBe(0);
    await page.getByRole('cell', { name: 'Theo TA', exact: true }).waitFor();
    await screenshot(page, `roster-${label}-ta`);
    expect(await pwned(page)).toBeNull();
    await page.context().close();
  });

  it('takes a TA from the home page to the instructor view, and shows them a submission as staff: hidden test names, Regrade', async () => {
    const fresh = await newPage(browser);
    opened.push(fresh.problems);
    const page = fresh.page;
    await page.setViewportSize({ width, height });
    await page.goto(`${base}/#key=${encodeURIComponent(ta.key)}`);
    await page.getByRole('link', { name: 'Instructor view' }).click();
    await page.getByRole('link', { name: 'Roster' }).waitFor();
    await page.goto(`${base}/#/s/${submissionId}`);
    await page.getByText('SECRET drops unused entries').first().waitFor();
    await page.getByRole('button', { name: 'Regrade' }).waitFor();
    expect(await fitsTheScreen(page)).toBeLessThanOrEqual(width);
    await screenshot(page, `roster-${label}-ta-submission`);
    expect(await pwned(page)).toBeNull();
    await page.context().close();
  });

  afterEach(() => {
    expect(opened.splice(0).flat()).toEqual([]);
  });
});
