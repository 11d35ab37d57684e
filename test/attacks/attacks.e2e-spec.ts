import { readdirSync } from 'node:fs';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { CATALOG_COURSE, CATALOG_DIR, CatalogService } from '../../src/exercises/catalog.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

const exercises = readdirSync(CATALOG_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
  .map((entry) => entry.name)
  .sort();
const attacks = readdirSync(`${__dirname}/../fixtures/attacks`)
  .filter((name) => name.endsWith('.py'))
  .sort();
// `npm test` sends every attack to half of the exercises and every exercise half of the attacks
// (alternating, so each attack meets exercises of every kind); which half changes day by day, so
// consecutive runs cover the whole matrix. `npm run test:slow` (ATTACK_MATRIX=full) sends them all.
const half = process.env.ATTACK_MATRIX === 'full' ? null : Number(process.env.ATTACK_HALF ?? Math.floor(Date.now() / 86_400_000) % 2);
if (half !== null && half !== 0 && half !== 1) throw new Error(`ATTACK_HALF must be 0 or 1 (got ${process.env.ATTACK_HALF})`);
const attacksFor = (exercise: string) => attacks.filter((_, i) => half === null || (i + exercises.indexOf(exercise)) % 2 === half);

/**
 * Our own attack suite (test/fixtures/attacks, one file per technique class: channel patching,
 * frame/trace/gc access, signal handlers, ctypes, module patching, equals-everything objects,
 * BaseException at assertion points, output and fd forgery, /proc reading, reading the tests).
 * Each solves nothing; each is submitted over the public API to catalog exercises (every one in
 * `npm run test:slow`, half of them in `npm test`: see `half`), for every student file. None may
 * earn a point, every one leaves a flag (or an evidence mark) for the instructor, and no student
 * output carries the instructor's tests or plan.
 */
describe('submissions that solve nothing earn nothing, however they attack the grader', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let key: string;

  beforeAll(async () => {
    // One student submits all ten attacks at once: no rate limit, no queued limit (newer would replace older).
    app = await startApi({ SUBMISSION_RATE_LIMIT_PER_MINUTE: '100000', SUBMISSION_MAX_QUEUED_PER_EXERCISE: '0' });
    worker = await startWorker({ WORKER_CONCURRENCY: '2' });
    prisma = app.get(PrismaService);
    await app.get(CatalogService).publishCatalog();
    await waitUntil(
      () => prisma.exerciseVersion.findMany({ where: { exercise: { course: { slug: CATALOG_COURSE.slug } } } }),
      (rows) => rows.length >= exercises.length && rows.every((v) => v.status !== 'pending'),
      15 * 60_000,
      'every catalog exercise validated',
    );
    const student = await new TestData(prisma).newUser('student');
    const course = await prisma.course.findUniqueOrThrow({ where: { slug: CATALOG_COURSE.slug } });
    await prisma.enrolment.create({ data: { courseId: course.id, userId: student.id, role: 'student' } });
    key = student.key;
  }, 20 * 60_000);

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it.each(exercises.map((exercise) => [exercise, attacksFor(exercise)] as const))(
    '%s: every attack scores 0 and is marked for the instructor (%j)',
    async (exercise, sent) => {
      const { spec } = loadExerciseFolder(`${CATALOG_DIR}/${exercise}`);
      const submitted = await Promise.all(
        sent.map(async (attack) => {
          const files = Object.fromEntries(spec.studentFiles.map((name) => [name, fixture(`attacks/${attack}`)]));
          const created = await request(app.getHttpServer())
            .post('/api/v1/submissions')
            .set('Authorization', `Bearer ${key}`)
            .send({ exercise: `${CATALOG_COURSE.slug}/${exercise}`, files })
            .expect(202);
          return { attack, id: created.body.id as string };
        }),
      );
      const outcomes = [];
      for (const { attack, id } of submitted) {
        const result = await waitForGraded(app, key, id, 10 * 60_000);
        const stored = await prisma.gradingResult.findFirstOrThrow({ where: { submissionId: id }, include: { tests: true } });
        const flags = (stored.flags as { code?: string }[]) ?? [];
        const marked = stored.tests.filter((t) => ['disagreed', 'contradicted', 'blocked', 'tampered'].includes(String((t.measurements as { status?: string } | null)?.status)));
        const output = `${stored.stdout ?? ''}${stored.stderr ?? ''}`;
        outcomes.push({
          attack,
          status: result.status,
          score: result.score,
          markedForInstructor: flags.length + marked.length > 0,
          // The attack prints every file it managed to read; the task's files (plan, tests, reference)
          // and the judge's private copies must not be among them.
          // (The student's own files are theirs to read.)
          leaksTests: /LEAKED \/(sandbox\/task|task|tmp\/memgrade-[^/ ]+)\/(plan\.json|tests\/|reference)/.test(output),
        });
      }
      expect(outcomes).toEqual(sent.map((attack) => ({ attack, status: 'graded', score: 0, markedForInstructor: true, leaksTests: false })));
    },
    20 * 60_000,
  );
});
