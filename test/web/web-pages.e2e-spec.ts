import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Browser, Page } from 'playwright-core';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';
import { buildWebPages, launchBrowser, newPage, screenshot, screenshotOf } from './browser';
import { flatSamples, leakySamples, newFolderExercise, newProgramExercise, seedGradedSubmission, seedScores } from './web-data';

const CORRECT = `"""Running mean of a stream, in constant memory."""


def running_mean(values):
    total = 0.0
    count = 0
    for value in values:
        total += value
        count += 1
        yield total / count
`;

// Right answers, but it keeps the whole stream alive: the memory test fails.
const LEAKING = `def running_mean(values):
    seen = list(values)
    total = 0.0
    for count, value in enumerate(seen, start=1):
        total += value
        yield total / count
`;

/** Polls until check() holds (the pages re-render after the API answers). */
async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // the element is being replaced: try again
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The focused element's HTML (its start). */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { activeElement: { outerHTML: string } | null } }).document;
    return doc.activeElement?.outerHTML.slice(0, 120) ?? '';
  });
}

/** Waits for the submission in `selector` to finish and fails with its text unless it was graded. */
async function expectGraded(page: Page, selector: string): Promise<void> {
  const done = page.locator(`${selector}:is([data-status="graded"], [data-status="error"])`);
  await done.waitFor({ timeout: 45_000 });
  const status = await done.getAttribute('data-status');
  if (status !== 'graded') throw new Error(`submission ended "${status}": ${await done.innerText()}`);
}

describe('web pages in a real browser: student and instructor', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let browser: Browser;
  let base: string;
  let prisma: PrismaService;
  const ids: Record<string, string> = {};
  let courseSlug: string;
  let streamSlug: string;
  let cacheSlug: string;
  let student: { id: string; key: string };
  let instructor: { id: string; key: string };

  beforeAll(async () => {
    buildWebPages();
    app = await startApi();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);

    const course = await prisma.course.create({ data: { slug: `memory-${Date.now().toString(36)}`, title: 'Python Memory Management' } });
    courseSlug = course.slug;
    instructor = await data.newUser('instructor', 'Ines Instructor');
    student = await data.newUser('student', 'Ada Student');
    const other = await data.newUser('student', 'Grace Student');
    await data.enrol(course.id, instructor.id, 'instructor');
    await data.enrol(course.id, student.id, 'student');
    await data.enrol(course.id, other.id, 'student');

    const stream = await newFolderExercise(prisma, course.id, 'streaming-mean');
    streamSlug = stream.slug;
    const cache = await newProgramExercise(prisma, course.id, {
      title: 'Leaky cache',
      statement: 'Fix the cache so that entries can be freed.',
      tests: [
        { name: 'memory over time', points: 4, hidden: false },
        { name: 'streaming stays flat', points: 3, hidden: false },
        { name: 'cache releases entries', points: 2, hidden: false },
        { name: 'no leak per call', points: 2, hidden: false },
        { name: 'cycles are broken', points: 2, hidden: false },
        { name: 'stress: one million keys', points: 3, hidden: true },
        { name: 'allocation profile', points: 1, hidden: false },
      ],
      limits: { memoryMiB: 64, timeSeconds: 10 },
    });
    cacheSlug = cache.slug;

    // What the memory harness will report (the interim grader reports no samples yet).
    ids.seeded = await seedGradedSubmission(prisma, {
      versionId: cache.version.id,
      userId: student.id,
      createdAt: new Date(Date.now() - 3_600_000),
      tests: [
        {
          name: 'memory over time',
          score: 0,
          maxScore: 4,
          passed: false,
          message: 'Peak memory 57.3 MiB is over the limit of 48 MiB for 200 000 keys: the cache keeps every value alive.',
          measurements: { peak_mib: 57.3, limit_mib: 48, reference_peak_mib: 21.6, samples: leakySamples(90, 0.05, 9.2, 57.3) },
        },
        {
          name: 'streaming stays flat',
          score: 3,
          maxScore: 3,
          passed: true,
          message: 'Memory stayed flat while streaming.',
          measurements: { peak_mib: 18.2, limit_mib: 48, budget_mib: 26, reference_peak_mib: 17.5, interval_s: 0.05, samples: flatSamples(70, 9.5, 18.2) },
        },
        { name: 'cache releases entries', score: 0, maxScore: 2, passed: false, message: 'An entry stayed referenced after it was evicted.', measurements: { refcount_delta: 2 } },
        { name: 'no leak per call', score: 0, maxScore: 2, passed: false, message: 'Each call left an object behind.', measurements: { leaked: 100, calls: 100 } },
        {
          name: 'cycles are broken',
          score: 2,
          maxScore: 2,
          passed: true,
          message: 'No cycles left for the collector.',
          measurements: { collected_by_gc: 0, survivors: 0, holder: 'module global _registry (dict)' },
        },
        {
          name: 'stress: one million keys',
          score: 0,
          maxScore: 3,
          passed: false,
          hidden: true,
          message: 'Peak 212 MiB at one million keys.',
          detail: 'Instructor-only: reference peaks at 31 MiB; this run was stopped at 212 MiB.',
        },
        { name: 'allocation profile', score: 1, maxScore: 1, passed: true, measurements: { wall_ms: 812, allocations: 15234, blocks_per_call: 3.5 } },
      ],
    });
    // Earlier graded work of another student: a distribution to draw and pages to turn.
    await seedScores(prisma, {
      versionId: stream.version.id,
      userId: other.id,
      maxScore: 4,
      scores: [0, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 2, 3, 4, 0, 4, 3, 4, 4, 1, 4, 3, 4, 4, 2, 4],
      from: new Date(Date.now() - 86_400_000),
    });
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await app?.close();
  });

  /** Errors in any page and requests to other origins fail the test that caused them. */
  afterEach(() => {
    expect(opened.flatMap((p) => p.problems.splice(0))).toEqual([]);
  });
  const opened: { problems: string[] }[] = [];
  async function freshPage(): Promise<Page> {
    const fresh = await newPage(browser);
    opened.push(fresh);
    return fresh.page;
  }

  let studentPage: Page;

  it('serves the pages with their content types and cache headers, without a key', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    const script = /src="(\/assets\/app-[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${base}${script}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBe('gzip');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const again = await fetch(`${base}${script}`, { headers: { 'If-None-Match': js.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${base}/assets/..%2Findex.html`)).status).toBe(404);
    // The API and its docs are not shadowed.
    expect((await fetch(`${base}/api/v1/users/me`)).status).toBe(401);
    expect((await fetch(`${base}/health`)).status).not.toBe(404);
    expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
  });

  it('a student signs in through an LMS link; the key leaves the address bar for sessionStorage', async () => {
    studentPage = await freshPage();
    await studentPage.goto(`${base}/#key=${encodeURIComponent(student.key)}&to=/c/${courseSlug}`);
    await studentPage.getByRole('heading', { level: 1, name: 'Python Memory Management' }).waitFor();
    expect(studentPage.url()).not.toContain(student.key);
    expect(studentPage.url()).toBe(`${base}/#/c/${courseSlug}`);
    expect(await studentPage.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('memgrade.apiKey'))).toBe(
      student.key,
    );
    await studentPage.getByRole('link', { name: 'Streaming mean' }).waitFor();
    await screenshot(studentPage, '01-student-course');
  });

  it('reads a safe statement, submits a correct solution from the editor and sees it graded live', async () => {
    const page = studentPage;
    await page.getByRole('link', { name: 'Streaming mean' }).click();
    await page.getByRole('heading', { level: 1, name: 'Streaming mean' }).waitFor();
    const statement = page.locator('.statement .prose');
    await statement.locator('pre code').first().waitFor();
    // Raw HTML is shown as text, never run; the javascript: link is not a link.
    await expect(statement.innerText()).resolves.toContain('<script>window.__pwned = true</script>');
    expect(await statement.locator('script, img').count()).toBe(0);
    expect(await statement.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned ?? false)).toBe(false);
    await expect(statement.locator('.tok-keyword').first().innerText()).resolves.toBe('def');

    const editor = page.locator('.cm-content');
    await expect(editor.innerText()).resolves.toContain('raise NotImplementedError');
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(CORRECT);
    // By keyboard: Escape (twice: the first may close a completion list) then Tab leaves the
    // editor for the Submit button.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('<button type="submit" class="button primary">Submit</button>');
    await screenshotOf(page, page.locator('.work-form .actions'), '02a-submit-focused');
    const streams: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/events')) streams.push(request.headers()['authorization'] ?? '');
    });
    await page.keyboard.press('Enter');
    const result = page.locator('#result .submission');
    await expectGraded(page, '#result .submission');
    await expect(result.locator('.big-score').innerText()).resolves.toBe('4 / 4');
    await expect(result.locator('.test.passed .test-name').allTextContents()).resolves.toEqual(['Passed: means are right', 'Passed: memory stays flat over a long stream']);
    // The harness measured the call: a plot of memory over time under the 10 MiB limit.
    await expect(result.locator('svg.memory-plot .guide-label.limit').textContent()).resolves.toBe('limit 10 MiB');
    ids.correct = (await result.getAttribute('data-submission'))!;
    // The live status came over the SSE stream, read with fetch and the key as Bearer token.
    expect(streams).toEqual([`Bearer ${student.key}`]);
    await screenshot(page, '02-student-correct-graded');
  });

  it('uploads a leaking solution: the memory test fails and its plot shows memory climbing over the limit', async () => {
    const page = studentPage;
    await page.locator('#upload').setInputFiles({ name: 'solution.py', mimeType: 'text/x-python', buffer: Buffer.from(LEAKING) });
    await page.getByText('Loaded solution.py into solution.py').waitFor();
    await expect(page.locator('.cm-content').innerText()).resolves.toContain('seen = list(values)');
    await page.getByRole('button', { name: 'Submit' }).click();
    const result = page.locator('#result .submission');
    await expectGraded(page, `#result .submission:not([data-submission="${ids.correct}"])`);
    await expect(result.locator('.big-score').innerText()).resolves.toBe('1 / 4');
    const failed = result.locator('.test.failed');
    await expect(failed.locator('.test-name').textContent()).resolves.toBe('Failed: memory stays flat over a long stream');
    await expect(failed.locator('.test-message').innerText()).resolves.toContain('running_mean over a million numbers used');
    const plot = failed.locator('svg.memory-plot');
    await expect(plot.locator('.guide-label.limit').textContent()).resolves.toBe('limit 10 MiB');
    expect(await plot.locator('.series-line.over').count()).toBe(1);
    await expect(failed.locator('figcaption').innerText()).resolves.toMatch(/Peak memory was [\d.]+ MiB, [\d.]+ MiB over the limit of 10 MiB\./);
    ids.leaking = (await result.getAttribute('data-submission'))!;
    // Both scores in the history, newest first.
    const history = page.locator('.history table tbody tr');
    await until(async () => (await history.count()) === 2 && (await history.nth(0).locator('.score').innerText()) === '1 / 4');
    await expect(history.nth(1).locator('.score').innerText()).resolves.toBe('4 / 4');
    await screenshot(page, '03-student-leaking-graded');
  });

  it('shows a memory-harness result: plots against limit and reference, refcount and gc numbers in words', async () => {
    const page = studentPage;
    await page.goto(`${base}/#/s/${ids.seeded}`);
    const submission = page.locator('.submission[data-status="graded"]');
    await submission.waitFor();
    await expect(submission.locator('.big-score').innerText()).resolves.toBe('6 / 17');
    const plots = submission.locator('svg.memory-plot');
    await expect(plots.count()).resolves.toBe(2);
    const first = plots.nth(0);
    await expect(first.locator('.guide-label.limit').textContent()).resolves.toBe('limit 48 MiB');
    await expect(first.locator('.guide-label.reference').textContent()).resolves.toBe('reference 21.6 MiB');
    await expect(first.locator('.peak-label').textContent()).resolves.toBe('peak 57.3 MiB');
    expect(await first.locator('.series-line.over').count()).toBe(1);
    await expect(plots.nth(1).locator('.guide-label.budget').textContent()).resolves.toBe('budget 26 MiB');
    const text = await submission.innerText();
    expect(text).toContain('Peak memory was 57.3 MiB, 9.3 MiB over the limit of 48 MiB.');
    expect(text).toContain('Reference count: up by 2 after the call');
    expect(text).toContain('Leaks: 100 objects still alive after 100 calls');
    expect(text).toContain('gc.collect() found nothing to free');
    expect(text).toContain('Still held by: module global _registry (dict)');
    expect(text).toContain('Hidden test: only whether it failed is shown to you.');
    expect(text).not.toContain('Instructor-only');
    expect(text).not.toContain('212 MiB');
    await expect(submission.locator('table.kv').innerText()).resolves.toContain('allocations');
    await screenshot(page, '04-student-memory-plot');

    // Someone else's (or no) submission: a clear "not found", no stack trace.
    await page.goto(`${base}/#/s/00000000-0000-4000-8000-000000000000`);
    await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
    await expect(page.locator('.error-box').innerText()).resolves.toContain('submission 00000000-0000-4000-8000-000000000000 does not exist');
    expect(await page.locator('main').innerText()).not.toMatch(/\bat \w+ \(|Error:|\.ts:\d+/);
  });

  it('an instructor pastes a key and reads exercises, submissions, distribution, detail, regrade and the gradebook', async () => {
    const page = await freshPage();
    await page.goto(`${base}/`);
    await page.getByLabel('API key').fill('mg_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This key was not accepted').waitFor();
    await screenshot(page, '05-signin-refused');
    await page.getByLabel('API key').fill(instructor.key);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your courses' }).waitFor();
    await page.getByRole('link', { name: 'Instructor view' }).click();

    // Exercises with their validation status.
    const exercises = page.locator('table.data tbody tr');
    await exercises.nth(1).waitFor();
    await expect(exercises.count()).resolves.toBe(2);
    await expect(page.locator('table.data .validation-valid').count()).resolves.toBe(2);
    await screenshot(page, '05b-instructor-exercises');
    await page.getByRole('link', { name: 'Leaky cache' }).click();
    await page.getByRole('heading', { level: 2, name: /Version 1/ }).waitFor();
    await screenshot(page, '05c-instructor-exercise-versions');
    await page.getByRole('link', { name: 'Python Memory Management' }).click();

    // Submissions: 31 in all, 25 a page; filters by student and status.
    await page.getByRole('link', { name: 'Submissions', exact: true }).click();
    const rows = page.locator('table.submissions tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(25);
    await page.getByRole('button', { name: 'Older →' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('Page 2').waitFor();
    // The focus stays on the pager (Older is disabled on the last page, so on Newer).
    await expect(focused(page)).resolves.toContain('id="page-newer"');
    await expect(rows.count()).resolves.toBe(6);
    await page.getByRole('button', { name: '← Newer' }).click();
    await page.getByText('Page 1').waitFor();
    const studentFilter = page.getByLabel('Student', { exact: true });
    await studentFilter.focus();
    await studentFilter.selectOption({ label: 'Ada Student' });
    await until(async () => (await rows.count()) === 3);
    await expect(focused(page)).resolves.toContain('id="f-student"'); // the filter keeps the focus
    expect(await page.locator('.pager').count()).toBe(0); // one page: no pager
    await page.getByLabel('Exercise', { exact: true }).selectOption({ label: 'Leaky cache' });
    await until(async () => (await rows.count()) === 1);
    await expect(rows.first().innerText()).resolves.toContain('6 / 17');
    await screenshot(page, '06-instructor-submissions-filtered');
    await page.getByLabel('Status', { exact: true }).selectOption('error');
    await page.getByText('No submission matches these filters.').waitFor();
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await until(async () => (await rows.count()) === 25);

    // Score distribution of Streaming mean: 28 seeded scores + the two live ones.
    await page.getByRole('link', { name: 'Score distribution' }).click();
    const streaming = page.locator(`section.distribution[data-exercise="${streamSlug}"]`);
    await streaming.locator('svg.histogram').waitFor();
    await expect(streaming.locator('.facts').innerText()).resolves.toContain('30 graded submissions');
    await expect(streaming.locator('.bar-count').allTextContents()).resolves.toEqual(['2', '3', '4', '6', '15']);
    await screenshot(page, '07-instructor-distribution');
    await page.getByLabel("each student's best").check();
    await until(async () => (await streaming.locator('.facts').innerText()).includes('2 students'));
    await expect(streaming.locator('.bar-count').allTextContents()).resolves.toEqual(['2']);

    // One submission with hidden detail.
    await page.goto(`${base}/#/s/${ids.seeded}`);
    const hidden = page.locator('.test', { hasText: 'stress: one million keys' });
    await expect(hidden.locator('.test-message').innerText()).resolves.toBe('Peak 212 MiB at one million keys.');
    await hidden.getByText('Instructor detail').click();
    await expect(hidden.locator('.detail pre').innerText()).resolves.toContain('Instructor-only: reference peaks at 31 MiB');
    await screenshot(page, '08-instructor-submission-detail');

    // Regrade the correct live submission: 202, then graded again.
    await page.goto(`${base}/#/s/${ids.correct}`);
    await page.locator('.submission[data-status="graded"]').waitFor();
    await page.getByRole('button', { name: 'Regrade' }).click();
    await page.getByText('Regrade requested').waitFor();
    await until(async () => (await prisma.gradingResult.count({ where: { submissionId: ids.correct } })) === 2, 45_000);
    await page.locator('.submission[data-status="graded"]').waitFor();
    await expect(page.locator('.big-score').innerText()).resolves.toBe('4 / 4');

    // The gradebook: a table and the CSV download.
    await page.goto(`${base}/#/teach/${courseSlug}/gradebook`);
    const book = page.locator('table.gradebook');
    await book.waitFor();
    const bookText = await book.innerText();
    expect(bookText).toContain('Ada Student');
    expect(bookText).toContain('Grace Student');
    await screenshot(page, '09-instructor-gradebook');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`${courseSlug}-gradebook.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe(`student_id,external_id,display_name,${[streamSlug, cacheSlug].sort().join(',')},total`);
    expect(csv).toContainEqual(expect.stringMatching(new RegExp(`^${student.id},,Ada Student,`)));
  });
});
