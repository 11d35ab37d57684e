import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { strToU8, zipSync } from 'fflate';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { fixture, TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';
import { waitUntil } from '../support/polling';
import { buildWebPages, launchBrowser, newPage, screenshot } from './browser';

/** test/fixtures/exercises/squares as a .zip with one top folder (what an instructor uploads), with some files replaced. */
function squaresZip(name: string, replaced: Record<string, string> = {}): string {
  const files = { ...loadExerciseFolder(resolve(__dirname, '../fixtures/exercises/squares')).files, ...replaced };
  const dir = join(process.env.TMPDIR ?? '/tmp', 'publish-from-browser');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, zipSync(Object.fromEntries(Object.entries(files).map(([file, text]) => [`squares/${file}`, strToU8(text)]))));
  return path;
}

/**
 * An instructor publishes an exercise from the browser: uploads a .zip, watches the validation's
 * steps while the worker grades reference, starter, wrong answer and the submissions that solve
 * nothing, reads the report; a broken folder shows every problem at once; and an earlier version is
 * made current again (a rollback).
 */
describe('publishing an exercise from the instructor page, in a real browser', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let browser: Browser;
  let base: string;
  let courseSlug: string;
  let instructorKey: string;

  beforeAll(async () => {
    buildWebPages();
    app = await startApi();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    [worker, browser] = await Promise.all([startWorker(), launchBrowser()]);
    const { course, instructor } = await new TestData(app.get(PrismaService)).newCourseWithPeople();
    courseSlug = course.slug;
    instructorKey = instructor.key;
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await app?.close();
  });

  const versions = async () =>
    (await request(app.getHttpServer()).get(`/api/v1/courses/${courseSlug}/exercises/squares/versions`).set('Authorization', `Bearer ${instructorKey}`).expect(200)).body as {
      number: number;
      status: string;
      current: boolean;
    }[];

  it('uploads a zip, shows the validation steps as they run, then the report; lists every problem of a broken one; rolls back', async () => {
    const { context, page, problems } = await newPage(browser);
    try {
      await page.goto(`${base}/#key=${encodeURIComponent(instructorKey)}&to=/teach/${courseSlug}/publish`);
      await page.getByLabel('Exercise archive (.zip)').setInputFiles(squaresZip('squares.zip'));
      await page.getByRole('button', { name: 'Publish' }).click();

      // While the worker validates: the steps, each waiting, running or done.
      const steps = page.locator('.validation-steps li');
      await steps.first().waitFor({ timeout: 60_000 });
      const names = await steps.evaluateAll((items) => items.map((li) => (li.childNodes[1]?.textContent ?? '').trim()));
      expect(names.slice(0, 4)).toEqual(['reference (measuring, 4 runs)', 'reference', 'starter', 'wrong']);
      expect(names.length).toBeGreaterThan(4); // and the submissions that solve nothing
      await screenshot(page, 'publish-validating');

      const done = page.locator('[data-testid="validation-status"][data-status]');
      await done.waitFor({ timeout: 240_000 });
      expect(await done.getAttribute('data-status')).toBe('valid');
      await page.getByText('No problems found.').waitFor();
      const solutions = await page.locator('.publish-progress table').innerText();
      for (const row of ['reference', 'starter', 'wrong']) expect(solutions).toContain(row);
      await screenshot(page, 'publish-valid');
      expect(await versions()).toEqual([expect.objectContaining({ number: 1, status: 'valid', current: true })]);

      // A broken folder: one answer naming every problem, nothing stored.
      await page.getByLabel('Exercise archive (.zip)').setInputFiles(squaresZip('broken.zip', { 'exercise.yaml': fixture('exercise-format/many-problems.yaml') }));
      await page.getByRole('button', { name: 'Publish' }).click();
      const listed = page.locator('.publish-progress .error-box .fields li');
      await listed.first().waitFor();
      expect(await listed.allInnerTexts()).toEqual([
        'files.exercise.yaml: tests[1].points must be a number (it is a string)',
        'files.exercise.yaml: tests[2].points must be ≥ 0',
        'files.exercise.yaml: tests[2].name tests/test_total.py has no @test named "total is rigth" (it declares "total is right", "total stays within 5 MiB")',
        'files.exercise.yaml: tests[3].module tests/test_missing.py does not exist',
        'files.exercise.yaml: tests[3].backed_by "no-such-check" is not the id of an amplified check',
      ]);
      await screenshot(page, 'publish-problems');
      expect(await versions()).toHaveLength(1);

      // Version 2 (a changed statement) becomes current once valid; then roll back to version 1 on the exercise page.
      const files = { ...loadExerciseFolder(resolve(__dirname, '../fixtures/exercises/squares')).files };
      files['statement.md'] = `${files['statement.md']}\nVersion 2.\n`;
      await request(app.getHttpServer())
        .post(`/api/v1/courses/${courseSlug}/exercises`)
        .set('Authorization', `Bearer ${instructorKey}`)
        .send({ slug: 'squares', files })
        .expect(202);
      await waitUntil(versions, (list) => list.some((v) => v.number === 2 && v.status !== 'pending'), { withinMs: 240_000, what: 'version 2 validated' });
      expect((await versions()).map((v) => [v.number, v.status, v.current])).toEqual([
        [2, 'valid', true],
        [1, 'valid', false],
      ]);
      await page.goto(`${base}/#/teach/${courseSlug}/exercises/squares`);
      await page.getByRole('button', { name: 'Make version 1 current' }).click();
      await page.getByRole('button', { name: 'Make version 2 current' }).waitFor();
      expect((await versions()).map((v) => [v.number, v.current])).toEqual([
        [2, false],
        [1, true],
      ]);
      await screenshot(page, 'publish-rolled-back');
      // The browser logs the broken upload's 400, and nothing else went wrong.
      expect(problems).toEqual(['console error: Failed to load resource: the server responded with a status of 400 (Bad Request)']);
    } finally {
      await context.close();
    }
  }, 600_000);

  it('refuses to make a version current that is not valid, naming the field', async () => {
    const prisma = app.get(PrismaService);
    const exercise = await prisma.exercise.findFirstOrThrow({ where: { slug: 'squares', course: { slug: courseSlug } } });
    const v1 = await prisma.exerciseVersion.findFirstOrThrow({ where: { exerciseId: exercise.id, number: 1 } });
    await prisma.exerciseVersion.create({
      data: { exerciseId: exercise.id, number: 9, contentHash: 'broken', spec: v1.spec as object, files: {}, maxScore: 3, status: 'invalid' },
    });
    const response = await request(app.getHttpServer())
      .post(`/api/v1/courses/${courseSlug}/exercises/squares/versions/9/current`)
      .set('Authorization', `Bearer ${instructorKey}`)
      .expect(409);
    expect(response.body.fields).toEqual([{ field: 'number', reason: 'is invalid, not valid' }]);
    await request(app.getHttpServer()).post(`/api/v1/courses/${courseSlug}/exercises/squares/versions/77/current`).set('Authorization', `Bearer ${instructorKey}`).expect(404);
  });
});
