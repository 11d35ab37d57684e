import type { AddressInfo } from 'node:net';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { testRedisUrl } from '../setup/test-env';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';
import { buildWebPages, launchBrowser, newPage, screenshot } from './browser';

/**
 * The instructor starts a version regrade from the exercise's page and watches its progress: while
 * the grading queue is paused, "0 of 2 regraded, 2 waiting"; once it runs, "2 of 2 regraded".
 */
describe('regrading a version from the instructor page, in a real browser', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let browser: Browser;
  let queue: Queue;
  let base: string;
  let courseSlug: string;
  let exerciseSlug: string;
  let instructorKey: string;

  beforeAll(async () => {
    buildWebPages();
    app = await startApi();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
    queue = new Queue(GRADING_QUEUE, { connection: { url: testRedisUrl() }, prefix: 'memgrade' });
    const prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const { course, instructor, student } = await data.newCourseWithPeople();
    const classmate = await data.newUser('student');
    await data.enrol(course.id, classmate.id, 'student');
    courseSlug = course.slug;
    instructorKey = instructor.key;
    exerciseSlug = (await data.newExercise(course.id, 'imports')).slug;
    for (const [key, file] of [
      [student.key, 'submissions/prints-total.py'],
      [classmate.key, 'submissions/raises.py'],
    ]) {
      const created = await request(app.getHttpServer())
        .post('/api/v1/submissions')
        .set('Authorization', `Bearer ${key}`)
        .send({ exercise: `${courseSlug}/${exerciseSlug}`, files: { 'solution.py': fixture(file) } })
        .expect(202);
      expect(await waitForGraded(app, key, created.body.id)).toMatchObject({ status: 'graded' });
    }
  });

  afterAll(async () => {
    await queue?.resume();
    await queue?.close();
    await browser?.close();
    await worker?.close();
    await app?.close();
  });

  it.each([
    ['desktop', 1280],
    ['phone', 390],
  ])('on a %s screen: the button starts it and the progress counts up', async (name, width) => {
    const { context, page, problems } = await newPage(browser);
    try {
      await page.setViewportSize({ width, height: 900 });
      page.on('dialog', (dialog) => void dialog.accept());
      await page.goto(`${base}/#key=${encodeURIComponent(instructorKey)}&to=/teach/${courseSlug}/exercises/${exerciseSlug}`);
      const button = page.getByRole('button', { name: 'Regrade version 1' });
      await button.waitFor();

      await queue.pause();
      await button.click();
      // (the second run's page first shows the first run's finished regrade)
      await page.locator('.regrade-progress[data-done="false"]').waitFor();
      const counts = page.getByTestId('regrade-counts');
      expect(await counts.innerText()).toMatch(/^0 of 2 regraded, 2 waiting/);
      expect(await page.locator('progress').getAttribute('max')).toBe('2');
      await screenshot(page, `regrade-${name}-running`);
      // Nothing sticks out sideways on a phone.
      expect(
        await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth),
      ).toBeLessThanOrEqual(width);

      await queue.resume();
      await page.locator('.regrade-progress[data-done="true"]').waitFor({ timeout: 60_000 });
      expect(await counts.innerText()).toBe('2 of 2 regraded.');
      await screenshot(page, `regrade-${name}-done`);
      expect(problems).toEqual([]);
    } finally {
      await queue.resume();
      await context.close();
    }
  });
});
