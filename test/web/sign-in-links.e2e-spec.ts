import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';
import { buildWebPages, launchBrowser, newPage, screenshot } from './browser';

const LINK_SECONDS = 5;

/** The links an LMS hands out (/#key=…): one works; an expired or revoked one shows why, and no page of the course. */
describe('sign-in links in Chromium: expired and revoked links say so', () => {
  let app: INestApplication;
  let browser: Browser;
  let base: string;
  let slug: string;
  let lms: Record<string, string>;

  beforeAll(async () => {
    buildWebPages();
    app = await startApi({ LMS_SIGN_IN_LINK_SECONDS: String(LINK_SECONDS) });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const data = new TestData(app.get(PrismaService));
    const admin = await data.newUser('admin');
    const course = await data.newCourse();
    slug = course.slug;
    const key = (await request(app.getHttpServer()).post(`/api/v1/courses/${slug}/lms-keys`).set('Authorization', `Bearer ${admin.key}`).send({ name: 'LMS' }).expect(201)).body
      .secret;
    lms = { Authorization: `Bearer ${key}` };
    await request(app.getHttpServer()).post(`/api/v1/courses/${slug}/students`).set(lms).send({ externalId: 'link-ada', displayName: 'Ada Link' }).expect(201);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const issue = async () =>
    (await request(app.getHttpServer()).post(`/api/v1/courses/${slug}/students/link-ada/keys`).set(lms).expect(201)).body as { id: string; secret: string; expiresAt: string };
  const open = async (secret: string) => {
    const opened = await newPage(browser);
    await opened.page.goto(`${base}/#key=${encodeURIComponent(secret)}&to=/c/${slug}`);
    return opened;
  };

  it('signs in with a fresh link, and shows the reason for a revoked one', async () => {
    const link = await issue();
    const fresh = await open(link.secret);
    await fresh.page.getByRole('heading', { level: 1, name: `Course ${slug}` }).waitFor();
    await fresh.context.close();

    await request(app.getHttpServer()).delete(`/api/v1/courses/${slug}/students/link-ada/keys/${link.id}`).set(lms).expect(200, { revoked: 1 });
    const revoked = await open(link.secret);
    await revoked.page
      .getByRole('alert')
      .getByText(/^The key in this tab was not accepted: this sign-in link was revoked at \S+; ask your LMS for a new link\. Paste a valid key\.$/)
      .waitFor();
    await revoked.page.getByLabel('API key').waitFor();
    await expect(revoked.page.evaluate('sessionStorage.length')).resolves.toBe(0);
    await screenshot(revoked.page, 'signin-link-revoked');
    await revoked.context.close();
  });

  it('shows the reason for an expired link', async () => {
    const link = await issue();
    await new Promise((resolve) => setTimeout(resolve, Date.parse(link.expiresAt) - Date.now() + 200));
    const expired = await open(link.secret);
    await expired.page
      .getByRole('alert')
      .getByText(`The key in this tab was not accepted: this sign-in link expired at ${link.expiresAt}; ask your LMS for a new link. Paste a valid key.`)
      .waitFor();
    await expect(expired.page.getByRole('heading', { level: 1, name: `Course ${slug}` }).count()).resolves.toBe(0);
    await expired.context.close();
  });
});
