import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { buildWebPages, launchBrowser, newPage, screenshot } from '../web/browser';
import { startListeningApi } from './lti-kit';
import { PlatformEmulator, ROLE } from './platform-emulator';

/**
 * Manual registration from the web pages: an admin reads memgrade's URLs on #/lti/platforms, gives
 * them to the platform (the emulator), registers the platform with the form, and a learner's launch
 * from that platform then signs in to the exercise page.
 */
describe('LTI platforms page: register a platform by hand in Chromium, then launch from it', () => {
  let app: INestApplication;
  let browser: Browser;
  let tool: string;
  let platform: PlatformEmulator;
  let data: TestData;
  let course: { id: string; slug: string; title: string };
  let exercise: { slug: string; exercise: { title: string } };

  beforeAll(async () => {
    buildWebPages();
    ({ app, url: tool } = await startListeningApi());
    data = new TestData(app.get(PrismaService));
    course = await data.newCourse();
    exercise = await data.newExercise(course.id);
    platform = await new PlatformEmulator().start();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await app?.close();
  });

  it('shows the URLs, refuses a bad field by name, registers the platform, and its launch works', async () => {
    const admin = await data.newUser('admin');
    const { context, page, problems } = await newPage(browser);
    await page.goto(`${tool}/#key=${encodeURIComponent(admin.key)}&to=/lti/platforms`);
    await page.getByRole('heading', { level: 1, name: 'LTI platforms' }).waitFor();
    const shown = async (term: string) => (await page.locator('dt', { hasText: term }).locator('xpath=following-sibling::dd[1]/code').innerText()).trim();
    const urls = {
      registration: await shown('Dynamic registration URL'),
      login: await shown('Login initiation URL'),
      launch: await shown('Redirect URI (launch)'),
      jwks: await shown('Public keyset URL (JWKS)'),
    };
    expect(urls).toEqual({ registration: `${tool}/lti/register`, login: `${tool}/lti/login`, launch: `${tool}/lti/launch`, jwks: `${tool}/lti/jwks` });
    await page.getByRole('heading', { level: 2, name: 'Registered platforms' }).waitFor();

    // The platform's admin enters memgrade's URLs as the page shows them, and gets a client id and deployment.
    const client = platform.addClient({ loginUrl: urls.login, redirectUris: [urls.launch], jwksUrl: urls.jwks, targetLinkUri: urls.launch });
    await page.getByLabel('Name', { exact: true }).fill('Emulated Moodle');
    await page.getByLabel('Issuer (iss)').fill(platform.endpoints.issuer);
    await page.getByLabel('Client ID').fill(client.clientId);
    await page.getByLabel('Authorization endpoint (OIDC auth)').fill(platform.endpoints.authLoginUrl);
    await page.getByLabel('Access token URL').fill(platform.endpoints.tokenUrl);
    await page.getByLabel('Platform public keyset URL (JWKS)').fill('keys-somewhere');
    await page.getByLabel('Deployment IDs').fill(client.deploymentId);
    await page.getByLabel('Course its launches belong to').selectOption(course.slug);
    await page.getByRole('button', { name: 'Register platform' }).click();
    const refusal = page.getByRole('alert');
    await refusal.getByText('The platform was not registered').waitFor();
    await expect(refusal.locator('li').allInnerTexts()).resolves.toEqual(['jwksUrl must be an absolute http:// or https:// URL']);

    await page.getByLabel('Platform public keyset URL (JWKS)').fill(platform.endpoints.jwksUrl);
    await page.getByRole('button', { name: 'Register platform' }).click();
    await page.getByRole('status').getByText(`Registered “Emulated Moodle” (${platform.endpoints.issuer}) for course ${course.slug}.`).waitFor();
    const row = page.locator('table tbody tr', { hasText: client.clientId });
    await expect(row.innerText()).resolves.toContain(client.deploymentId);
    await expect(row.innerText()).resolves.toContain('by hand');
    await screenshot(page, 'lti-02-platform-registered');

    // At a phone's width nothing but the table's own scroller is wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
    await screenshot(page, 'lti-03-platforms-390px');
    // The one failed request is the refused registration above (400 with the field).
    expect(problems).toEqual(['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    await context.close();

    // A learner's launch from the platform registered through the page.
    const learner = await newPage(browser);
    await learner.page.goto(
      platform.initiateLogin({ person: { sub: 'page-registered-ada', name: 'Ada Page', roles: [ROLE.learner] }, custom: { memgrade_exercise: `${course.slug}/${exercise.slug}` } }),
    );
    await learner.page.locator('#page-title', { hasText: exercise.exercise.title }).waitFor({ timeout: 30_000 });
    expect(new URL(learner.page.url()).hash).toBe(`#/c/${course.slug}/e/${exercise.slug}`);
    await expect(learner.page.locator('.topnav .who').innerText()).resolves.toContain('Ada Page');
    await learner.context.close();
  });

  it('shows an instructor the URLs to hand to their LMS admin, without the platforms or the form', async () => {
    const instructor = await data.newUser('instructor');
    const { context, page, problems } = await newPage(browser);
    await page.goto(`${tool}/#key=${encodeURIComponent(instructor.key)}&to=/lti/platforms`);
    await page.getByRole('heading', { level: 1, name: 'LTI platforms' }).waitFor();
    await page.getByText('Only an administrator can see and register platforms.').waitFor();
    await expect(page.locator('dd code').first().innerText()).resolves.toBe(`${tool}/lti/register`);
    await expect(page.getByRole('button', { name: 'Register platform' }).count()).resolves.toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
