import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { waitUntil } from '../support/integrations';
import { startWorker } from '../support/platform';
import { buildWebPages, launchBrowser, newPage, screenshot } from '../web/browser';
import { registerManually, startListeningApi } from './lti-kit';
import { PlatformEmulator, ROLE } from './platform-emulator';

const LTI_ENV = { LTI_SCORE_RETRY_DELAY_MS: '300', LTI_SCORE_SWEEP_SECONDS: '2' };

describe('LTI 1.3 in Chromium: a learner launches from the LMS, submits on the exercise page, the score reaches the line item', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let browser: Browser;
  let tool: string;
  let platform: PlatformEmulator;
  let course: { id: string; slug: string };
  let exercise: { slug: string; exercise: { title: string } };
  let lineItem: string;

  beforeAll(async () => {
    buildWebPages();
    ({ app, url: tool } = await startListeningApi(LTI_ENV));
    worker = await startWorker({ ...LTI_ENV, PUBLISH_CATALOG: 'false' });
    const data = new TestData(app.get(PrismaService));
    course = await data.newCourse();
    exercise = await data.newExercise(course.id);
    platform = await new PlatformEmulator().start();
    await registerManually(tool, (await data.newUser('admin')).key, platform, course.slug);
    lineItem = platform.createLineItem('course-1', { label: exercise.exercise.title, scoreMaximum: 1 }).id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await worker?.close();
    await app?.close();
  });

  it('follows login, authorization and launch to the exercise page, signed in, and posts the grade', async () => {
    const { context, page, problems } = await newPage(browser);
    await page.goto(
      platform.initiateLogin({
        person: { sub: 'chromium-ada', name: 'Ada Browser', roles: [ROLE.learner] },
        lineItemId: lineItem,
        resourceLinkId: 'browser-link',
        custom: { memgrade_exercise: `${course.slug}/${exercise.slug}` },
      }),
    );
    await page.locator('#page-title', { hasText: exercise.exercise.title }).waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).hash).toBe(`#/c/${course.slug}/e/${exercise.slug}`);
    const session = (await context.cookies(`${tool}/lti/launch`)).find((c) => c.name === 'memgrade_lti_session');
    expect(session).toMatchObject({ httpOnly: true, path: '/lti' });
    expect(await page.evaluate('document.cookie')).toBe('');
    await page.locator('#upload').setInputFiles({ name: 'solution.py', mimeType: 'text/x-python', buffer: Buffer.from('value = 42\n') });
    await page.getByText('Loaded solution.py into solution.py').waitFor();
    await page.getByRole('button', { name: 'Submit' }).click();
    const done = page.locator('#result .submission:is([data-status="graded"], [data-status="error"])');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.getAttribute('data-status')).toBe('graded');
    await screenshot(page, 'lti-01-launched-and-graded');
    const scores = await waitUntil(
      async () => platform.acceptedScores(lineItem),
      (s) => s.length === 1,
      60_000,
      'the score at the line item',
    );
    expect(scores[0]).toMatchObject({ userId: 'chromium-ada', scoreGiven: 1, scoreMaximum: 1, gradingProgress: 'FullyGraded' });
    expect(problems.filter((p) => !p.includes(platform.url))).toEqual([]);
    await context.close();
  });

  it('shows a refused launch as a page naming the reason', async () => {
    const { context, page } = await newPage(browser);
    await page.goto(
      platform.initiateLogin({
        person: { sub: 'chromium-eve', name: 'Eve', roles: [ROLE.learner] },
        signWithForeignKey: true,
        custom: { memgrade_exercise: `${course.slug}/${exercise.slug}` },
      }),
    );
    await page.getByRole('heading', { level: 1, name: 'This LTI launch was refused' }).waitFor();
    await expect(page.locator('#reason').innerText()).resolves.toMatch(/signature does not verify/);
    expect((await context.cookies(`${tool}/lti/launch`)).some((c) => c.name === 'memgrade_lti_session')).toBe(false);
    await context.close();
  });
});
