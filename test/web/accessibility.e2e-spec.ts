import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startWorker } from '../support/platform';
import { registerManually, startListeningApi } from '../lti/lti-kit';
import { PlatformEmulator, ROLE } from '../lti/platform-emulator';
import { checkPage, expectNoHorizontalScroll, expectNoSeriousAxeViolations } from './accessibility';
import { buildWebPages, launchBrowser, newPage, screenshot } from './browser';
import { flatSamples, leakySamples, newFolderExercise, newProgramExercise, seedGradedSubmission, seedScores } from './web-data';

// Every page of web/ and every LTI page, as the users who see them, with real data: axe-core finds
// no serious or critical violation at 1280, 390 and 360 px, and nothing scrolls sideways on a phone
// (test/web/accessibility.ts). Screenshots: test-artifacts/a11y/.

const CORRECT_LINES = ['def running_mean(values):', 'total = 0.0', 'count = 0', 'for value in values:', 'total += value', 'count += 1', 'yield total / count'];
/** Grading and axe at three widths on a shared 2-core machine: minutes, not seconds. */
const TEST_TIMEOUT_MS = 420_000;

/** What the editor holds after typing CORRECT_LINES (it indents after a colon, by four spaces). */
const CORRECT = 'def running_mean(values):\n    total = 0.0\n    count = 0\n    for value in values:\n        total += value\n        count += 1\n        yield total / count';

const LEAKING = `def running_mean(values):
    seen = list(values)
    total = 0.0
    for count, value in enumerate(seen, start=1):
        total += value
        yield total / count
`;

/** The focused element: its tag, accessible-ish name and classes (a string: no DOM types here). */
function focused(page: Page): Promise<{ tag: string; text: string; label: string; cls: string; href: string }> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    return { tag: el ? el.tagName.toLowerCase() : '', text: el ? (el.innerText || el.value || '').trim().slice(0, 200) : '', label: (el && el.getAttribute('aria-label')) || '', cls: (el && el.className && String(el.className)) || '', href: (el && el.getAttribute('href')) || '' };
  })()`);
}

/** Presses Tab (Shift+Tab when `back`) until the focused element matches, at most `max` times. */
async function tabTo(page: Page, what: string, matches: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 40, back = false): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (matches(f)) return;
    seen.push(`${f.tag}${f.label ? `[${f.label}]` : ''} "${f.text.slice(0, 30)}"`);
  }
  throw new Error(`${what}: not reached by ${max} presses of Tab; focus went through ${seen.join(' → ')}`);
}

describe('accessibility: every page at 1280, 390 and 360 px, and the student flow by keyboard only', () => {
  let app: INestApplication;
  let worker: INestApplicationContext | null = null;
  let browser: Browser;
  let base: string;
  let prisma: PrismaService;
  let platform: PlatformEmulator;
  let course: { id: string; slug: string };
  let stream: { slug: string };
  let cache: { slug: string };
  let student: { id: string; key: string };
  let other: { id: string; key: string };
  let keyboardStudent: { id: string; key: string };
  let instructor: { id: string; key: string };
  let seeded: string;
  const contexts: { context: BrowserContext; problems: string[] }[] = [];

  beforeAll(async () => {
    buildWebPages();
    const slug = `a11y-${Date.now().toString(36)}`;
    ({ app, url: base } = await startListeningApi({ LTI_REGISTRATION_COURSE: slug }));
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    browser = await launchBrowser();
    course = await prisma.course.create({ data: { slug, title: 'Python Memory Management' } });
    instructor = await data.newUser('instructor', 'Ines Instructor');
    student = await data.newUser('student', 'Ada Student');
    other = await data.newUser('student', 'Grace Student');
    keyboardStudent = await data.newUser('student', 'Kay Keyboard');
    for (const [user, role] of [
      [instructor, 'instructor'],
      [student, 'student'],
      [other, 'student'],
      [keyboardStudent, 'student'],
    ] as const)
      await data.enrol(course.id, user.id, role);

    const streamExercise = await newFolderExercise(prisma, course.id, 'streaming-mean');
    stream = streamExercise;
    const cacheExercise = await newProgramExercise(prisma, course.id, {
      title: 'Leaky cache',
      statement:
        'Fix the cache so that entries can be freed.\n\n```python\ncache = {}\n\ndef lookup(key):\n    return cache.setdefault(key, compute_a_rather_long_value_for(key, with_some_arguments=True))\n```\n',
      tests: [
        { name: 'memory over time', points: 4, hidden: false },
        { name: 'streaming stays flat', points: 3, hidden: false },
        { name: 'cache releases entries', points: 2, hidden: false },
        { name: 'stress: one million keys', points: 3, hidden: true },
      ],
      limits: { memoryMiB: 64, timeSeconds: 10 },
    });
    cache = cacheExercise;
    seeded = await seedGradedSubmission(prisma, {
      versionId: cacheExercise.version.id,
      userId: student.id,
      createdAt: new Date(Date.now() - 3_600_000),
      flags: [
        { kind: 'static', severity: 'high', code: 'gc-objects', message: 'reads the collector’s object lists', file: 'solution.py', line: 3, text: 'import gc; gc.get_objects()' },
      ],
      flagSeverity: 'high',
      stdout: 'warming the cache\n',
      tests: [
        {
          name: 'memory over time',
          score: 0,
          maxScore: 4,
          passed: false,
          message: 'Peak memory 57.3 MiB is over the limit of 48 MiB for 200 000 keys: the cache keeps every value alive.',
          measurements: { peak_mib: 57.3, limit_mib: 48, reference_peak_mib: 46.5, samples: leakySamples(90, 0.05, 9.2, 57.3) },
        },
        {
          name: 'streaming stays flat',
          score: 3,
          maxScore: 3,
          passed: true,
          message: 'Memory stayed flat while streaming.',
          measurements: { peak_mib: 18.2, limit_mib: 48, budget_mib: 26, reference_peak_mib: 17.5, interval_s: 0.05, samples: flatSamples(70, 9.5, 18.2) },
        },
        {
          name: 'cache releases entries',
          score: 0,
          maxScore: 2,
          passed: false,
          message: "the evicted entry is still alive: it is still reachable as `_cache['report'].value` (a dict, reachable from the module-level variable `_cache` in solution.py)",
          measurements: { refcount_delta: 2, peak_mib: 30.1, limit_mib: 48, reference_peak_mib: 12 },
        },
        {
          name: 'stress: one million keys',
          score: 0,
          maxScore: 3,
          passed: false,
          hidden: true,
          message: 'Peak 212 MiB at one million keys.',
          detail: 'Instructor-only: reference peaks at 31 MiB.',
        },
      ],
    });
    await seedScores(prisma, {
      versionId: streamExercise.version.id,
      userId: other.id,
      maxScore: 4,
      scores: [0, 1, 2, 2, 3, 3, 4, 4, 4, 4, 3, 4],
      from: new Date(Date.now() - 86_400_000),
    });

    platform = await new PlatformEmulator().start();
    await registerManually(base, (await data.newUser('admin')).key, platform, course.slug);
  });

  afterAll(async () => {
    for (const { context } of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await platform?.close();
    await worker?.close();
    await app?.close();
  });

  /** Errors in any page and requests to other origins fail the test that caused them. */
  afterEach(() => {
    expect(contexts.flatMap((c) => c.problems.splice(0)).filter((p) => !p.includes(platform.url))).toEqual([]);
  });

  async function freshPage(): Promise<Page> {
    const fresh = await newPage(browser);
    contexts.push(fresh);
    return fresh.page;
  }

  async function signedIn(key: string, path: string): Promise<Page> {
    const page = await freshPage();
    await page.goto(`${base}/#key=${encodeURIComponent(key)}&to=${path}`);
    await page.locator('#page-title').waitFor();
    return page;
  }

  const graded = (page: Page, selector = '#result .submission') => page.locator(`${selector}:is([data-status="graded"], [data-status="error"])`).waitFor({ timeout: 180_000 });

  it(
    'the check itself fails on a page with a serious violation, and on a page wider than the phone',
    async () => {
      const page = await freshPage();
      await page.setContent(
        '<!doctype html><html lang="en"><head><title>bad</title></head><body><main><h1>Bad</h1><p style="color:#bbb;background:#fff">faint text</p><button></button><div style="width:700px">wide</div></main></body></html>',
      );
      const axe = await expectNoSeriousAxeViolations(page, 'self-check-bad').then(
        () => null,
        (error: Error) => error.message,
      );
      expect(axe).toMatch(/color-contrast \(serious\)/);
      expect(axe).toMatch(/button-name \(critical\)/);
      await page.setViewportSize({ width: 360, height: 800 });
      await expect(expectNoHorizontalScroll(page, 'self-check-bad')).rejects.toThrow(/is \d+ px wide at a 360 px viewport; sticking out: div/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a queued submission says where it stands in the queue, in words, and updates while it waits',
    async () => {
      // No worker runs yet: the submissions wait. The student has submitted this exercise before,
      // so their new one has priority 2 and a later first try by another student goes ahead of it.
      await seedGradedSubmission(prisma, {
        versionId: (await prisma.exercise.findFirstOrThrow({ where: { courseId: course.id, slug: stream.slug } })).currentVersionId!,
        userId: student.id,
        tests: [{ name: 'means are right', score: 1, maxScore: 1, passed: true }],
      });
      const page = await signedIn(student.key, `/c/${course.slug}/e/${stream.slug}`);
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(LEAKING);
      await page.getByRole('button', { name: 'Submit' }).click();
      const place = page.locator('#result .queue-place');
      await place.waitFor();
      await expect(place.innerText()).resolves.toBe('Your submission is next in line. No grader is running right now; grading starts when one is back.');
      await expect(page.locator('.work > p[role=status]').textContent()).resolves.toContain('next in line');
      await checkPage(page, 'student-exercise-queued');

      const ahead = await fetch(`${base}/api/v1/submissions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${other.key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ exercise: `${course.slug}/${stream.slug}`, files: { 'solution.py': LEAKING } }),
      });
      expect(ahead.status).toBe(202);
      await page.locator('#result .queue-place', { hasText: 'Your submission is 2nd in line: 1 submission is ahead of it.' }).waitFor({ timeout: 15_000 });

      // A worker starts: the estimate appears or the grading starts, and the result replaces the line.
      worker = await startWorker();
      await graded(page);
      expect(await page.locator('#result .queue-place').count()).toBe(0);
      await expect(page.locator('#result .submission').getAttribute('data-status')).resolves.toBe('graded');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'sign-in, refused and accepted',
    async () => {
      const page = await freshPage();
      await page.goto(`${base}/`);
      await page.getByLabel('API key').waitFor();
      await checkPage(page, 'signin');
      await page.getByLabel('API key').fill('mg_not-a-real-key');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('This key was not accepted').waitFor();
      await checkPage(page, 'signin-refused');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "the student's pages: courses, a course, an exercise with a graded result, submissions",
    async () => {
      worker ??= await startWorker(); // when the queue test failed before it started one
      const page = await signedIn(student.key, '/');
      await page.getByRole('link', { name: 'Python Memory Management' }).waitFor();
      await checkPage(page, 'student-home');

      await page.goto(`${base}/#/c/${course.slug}`);
      await page.getByRole('link', { name: 'Streaming mean' }).waitFor();
      await page.locator('.history table').waitFor();
      await checkPage(page, 'student-course');

      await page.goto(`${base}/#/c/${course.slug}/e/${stream.slug}`);
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(LEAKING);
      await page.getByRole('button', { name: 'Submit' }).click();
      await graded(page);
      await page.locator('#result svg.memory-plot').waitFor();
      await checkPage(page, 'student-exercise-graded');

      await page.goto(`${base}/#/s/${seeded}`);
      await page.locator('.submission[data-status="graded"]').waitFor();
      await page.locator('.code-listing').first().waitFor();
      // What keeps the evicted entry alive, as a chain of boxes from the module variable to the object.
      expect(await page.locator('.ref-chain li').allInnerTexts()).toEqual(['_cache\nvariable in solution.py', "['report']", '.value', 'the object']);
      await checkPage(page, 'student-submission-memory-plots');

      const latest = await prisma.submission.findFirstOrThrow({
        where: { userId: student.id, status: 'graded', exerciseVersion: { exercise: { slug: stream.slug } }, results: { some: {} } },
        orderBy: { createdAt: 'desc' },
      });
      await page.goto(`${base}/#/s/${latest.id}`);
      await page.locator('.submission[data-status="graded"]').waitFor();
      await page.locator('.submitted-code').waitFor();
      await checkPage(page, 'student-submission-with-diff');

      await page.goto(`${base}/#/s/00000000-0000-4000-8000-000000000000`);
      await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor();
      await checkPage(page, 'not-found');
      await page.goto(`${base}/#/no/such/page`);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      await checkPage(page, 'no-such-page');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "the instructor's pages: exercises, versions, submissions, distribution, gradebook, a flagged submission",
    async () => {
      const page = await signedIn(instructor.key, `/teach/${course.slug}`);
      await page.locator('table.data .validation-valid').first().waitFor();
      await checkPage(page, 'teach-exercises');

      await page.goto(`${base}/#/teach/${course.slug}/exercises/${cache.slug}`);
      await page.getByRole('heading', { level: 2, name: /Version 1/ }).waitFor();
      await checkPage(page, 'teach-exercise-versions');

      await page.goto(`${base}/#/teach/${course.slug}/submissions`);
      await page.locator('table.submissions tbody tr').first().waitFor();
      await checkPage(page, 'teach-submissions');

      await page.goto(`${base}/#/teach/${course.slug}/scores`);
      await page.locator('svg.histogram').first().waitFor();
      await checkPage(page, 'teach-scores');

      await page.goto(`${base}/#/teach/${course.slug}/gradebook`);
      await page.locator('table.gradebook').waitFor();
      await checkPage(page, 'teach-gradebook');

      await page.goto(`${base}/#/s/${seeded}`);
      await page.locator('.flags').waitFor();
      await page.getByText('Instructor detail').click();
      await checkPage(page, 'teach-submission-flagged');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the pages added since: roster, deadlines, per-test analytics, publishing, LTI platforms',
    async () => {
      const page = await signedIn(instructor.key, `/teach/${course.slug}/roster`);
      await page.locator('table.roster-table').waitFor();
      await checkPage(page, 'teach-roster');

      await page.goto(`${base}/#/teach/${course.slug}/deadlines`);
      await page.locator('form.deadline-form').first().waitFor();
      await checkPage(page, 'teach-deadlines');

      await page.goto(`${base}/#/teach/${course.slug}/exercises/${stream.slug}/analytics`);
      await page.locator('.analytics-grid').waitFor();
      await checkPage(page, 'teach-analytics');

      await page.goto(`${base}/#/teach/${course.slug}/publish`);
      await page.locator('form.publish-form').waitFor();
      await checkPage(page, 'teach-publish');

      await page.goto(`${base}/#/lti/platforms`);
      await page.locator('.lti-urls').waitFor();
      await checkPage(page, 'lti-platforms-instructor');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'the LTI pages: registered, refused, bind a link, deep linking and its return, signed in',
    async () => {
      const registered = await freshPage();
      await registered.goto(platform.registrationUrl(`${base}/lti/register`));
      await registered.getByRole('heading', { level: 1, name: 'memgrade is registered' }).waitFor();
      await checkPage(registered, 'lti-registered');

      const refused = await freshPage();
      await refused.goto(
        platform.initiateLogin({
          person: { sub: 'a11y-eve', name: 'Eve', roles: [ROLE.learner] },
          signWithForeignKey: true,
          custom: { memgrade_exercise: `${course.slug}/${stream.slug}` },
        }),
      );
      await refused.getByRole('heading', { level: 1, name: 'This LTI launch was refused' }).waitFor();
      await checkPage(refused, 'lti-refused');
      // The refusal is a 400 page, which Chromium logs: expected here.
      const refusedProblems = contexts[contexts.length - 1].problems;
      refusedProblems.splice(0, refusedProblems.length, ...refusedProblems.filter((p) => !/status of 400/.test(p)));

      const bind = await freshPage();
      await bind.goto(platform.initiateLogin({ person: { sub: 'a11y-prof', name: 'Prof', roles: [ROLE.instructor] }, resourceLinkId: 'a11y-unbound', custom: undefined }));
      await bind.getByRole('heading', { level: 1, name: 'Which exercise does this link open?' }).waitFor();
      await checkPage(bind, 'lti-bind');

      // Two pages move the browser on at once (a script, a Refresh header). To look at them, the
      // next page answers 204 No Content, which leaves the browser where it is.
      const deep = await freshPage();
      await deep.route(`${platform.url}/deep-link-return`, (route) => route.fulfill({ status: 204 }));
      await deep.goto(platform.initiateLogin({ person: { sub: 'a11y-prof', name: 'Prof', roles: [ROLE.instructor] }, messageType: 'LtiDeepLinkingRequest' }));
      await deep.getByRole('heading', { level: 1, name: 'Add memgrade exercises' }).waitFor();
      await checkPage(deep, 'lti-deep-linking');
      await deep.getByLabel(/Streaming mean/).check();
      await deep.getByRole('button', { name: 'Add' }).click();
      await deep.getByRole('heading', { level: 1, name: 'Returning to your LMS' }).waitFor();
      await checkPage(deep, 'lti-deep-linking-return');

      const launched = await freshPage();
      await launched.route(`${base}/`, (route) => route.fulfill({ status: 204 }));
      await launched.goto(
        platform.initiateLogin({ person: { sub: 'a11y-ada', name: 'Ada', roles: [ROLE.learner] }, custom: { memgrade_exercise: `${course.slug}/${stream.slug}` } }),
        { waitUntil: 'commit' },
      );
      await launched.getByRole('heading', { level: 1, name: 'Signed in' }).waitFor({ timeout: 30_000 });
      await checkPage(launched, 'lti-launched');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'a student signs in, opens an exercise, writes a solution, submits and reads the result with the keyboard alone',
    async () => {
      worker ??= await startWorker();
      const page = await freshPage();
      await page.goto(`${base}/`);
      // The sign-in form focuses the key field.
      await expect(focused(page).then((f) => f.tag)).resolves.toBe('input');
      await page.keyboard.type(keyboardStudent.key);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Your courses' }).waitFor();
      // The focus is visible on every stop (a focus ring), checked on the course link.
      await tabTo(page, 'the course link', (f) => f.tag === 'a' && f.text === 'Python Memory Management');
      const ring = await page.evaluate(`getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth`);
      expect(ring).toMatch(/^solid [2-9]/);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Python Memory Management' }).waitFor();
      // The course page shows a student their exercises (not the instructor view).
      await tabTo(page, 'the exercise link', (f) => f.tag === 'a' && f.text === 'Streaming mean');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Streaming mean' }).waitFor();

      // Into the editor, replace the starter, type the solution (CodeMirror indents after a colon).
      await tabTo(page, 'the editor', (f) => f.cls.includes('cm-content'));
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      for (const [i, line] of CORRECT_LINES.entries()) {
        await page.keyboard.type(line);
        await page.keyboard.press('Escape'); // closes a completion list, so Enter is a new line
        if (i < CORRECT_LINES.length - 1) await page.keyboard.press('Enter');
      }
      const typed = (await page.locator('.cm-content').innerText()).replace(/\u00a0/g, ' ');
      expect(typed.trimEnd()).toBe(CORRECT);
      // Tab indents inside the editor; Escape then Tab leaves it, onto Submit.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Tab');
      await expect(focused(page)).resolves.toMatchObject({ tag: 'button', text: 'Submit' });
      await page.keyboard.press('Enter');

      // The result is announced in the live region, and the page shows it.
      const live = page.locator('.work > p[role=status]');
      await page.locator('.work > p[role=status]', { hasText: /^Graded: / }).waitFor({ state: 'attached', timeout: 180_000 });
      await screenshot(page, 'a11y-keyboard-graded');
      await expect(live.textContent()).resolves.toBe('Graded: 4 of 4 points.');
      await expect(page.locator('#result .big-score').innerText()).resolves.toBe('4 / 4');
      // Onwards by Tab from Submit to the new submission in the history, and open it.
      await tabTo(page, 'the newest submission', (f) => f.tag === 'a' && f.label.startsWith('Open submission'));
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: /^Submission / }).waitFor();
      await expect(focused(page)).resolves.toMatchObject({ tag: 'h1' });
      await expect(page.locator('.submission .big-score').innerText()).resolves.toBe('4 / 4');
      await expect(page.locator('.test.passed .test-name').allTextContents()).resolves.toEqual(['Passed: means are right', 'Passed: memory stays flat over a long stream']);
    },
    TEST_TIMEOUT_MS,
  );
});
