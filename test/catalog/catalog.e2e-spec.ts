import { readdirSync } from 'node:fs';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { CATALOG_COURSE, CATALOG_DIR, CatalogService } from '../../src/exercises/catalog.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { TestData } from '../support/fixtures';
import { waitForGraded, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

const folders = readdirSync(CATALOG_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
  .map((entry) => entry.name)
  .sort();

/**
 * The shipped catalog through the whole platform, as at start-up: published into course
 * python-memory, validated by a worker in the sandbox, then each exercise's reference and starter
 * submitted over the API by a student: the reference earns full marks, the starter does not.
 */
describe('the shipped catalog', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;

  beforeAll(async () => {
    app = await startApi({ SUBMISSION_RATE_LIMIT_PER_MINUTE: '1000' });
    worker = await startWorker({ WORKER_CONCURRENCY: '2' });
    prisma = app.get(PrismaService);
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it('has at least 12 exercises', () => {
    expect(folders.length).toBeGreaterThanOrEqual(12);
  });

  it(
    'publishes every exercise, and every one validates in the sandbox',
    async () => {
      const report = await app.get(CatalogService).publishCatalog();
      expect(report.failed).toEqual([]);
      expect(report.published.map((p) => p.exercise).sort()).toEqual(folders);
      const versions = await waitUntil(
        () => prisma.exerciseVersion.findMany({ where: { exercise: { course: { slug: CATALOG_COURSE.slug } } }, include: { exercise: true } }),
        (rows) => rows.length >= folders.length && rows.every((v) => v.status !== 'pending'),
        10 * 60_000,
        'every catalog exercise validated',
      );
      const invalid = versions.filter((v) => v.status !== 'valid').map((v) => `${v.exercise.slug}: ${JSON.stringify((v.validation as { problems?: unknown })?.problems)}`);
      expect(invalid).toEqual([]);
      // Publishing again at the next start changes nothing.
      const again = await app.get(CatalogService).publishCatalog();
      expect(again.published.filter((p) => p.created)).toEqual([]);
      // Fourteen validations of ten gradings each: the wait above, not Jest's default, is the bound.
    },
    11 * 60_000,
  );

  it.each(folders)(
    '%s: over the API, the reference earns full marks and the starter does not',
    async (folder) => {
      const student = await new TestData(prisma).newUser('student');
      const course = await prisma.course.findUniqueOrThrow({ where: { slug: CATALOG_COURSE.slug } });
      await prisma.enrolment.create({ data: { courseId: course.id, userId: student.id, role: 'student' } });
      const { spec, files } = loadExerciseFolder(`${CATALOG_DIR}/${folder}`);
      const submit = async (from: string) => {
        const body = { exercise: `${CATALOG_COURSE.slug}/${folder}`, files: Object.fromEntries(spec.studentFiles.map((name) => [name, files[`${from}/${name}`]])) };
        const created = await request(app.getHttpServer()).post('/api/v1/submissions').set('Authorization', `Bearer ${student.key}`).send(body).expect(202);
        return waitForGraded(app, student.key, created.body.id, 5 * 60_000);
      };
      const [reference, starter] = await Promise.all([submit('reference'), submit('starter')]);
      expect({ status: reference.status, score: reference.score }).toEqual({ status: 'graded', score: reference.maxScore });
      expect(starter.status).toBe('graded');
      expect(starter.score).toBeLessThan(starter.maxScore);
    },
    10 * 60_000,
  );
});
