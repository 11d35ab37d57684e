import { readdirSync } from 'node:fs';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { CATALOG_COURSE, CATALOG_DIR, CatalogService, type CatalogReport } from '../../src/exercises/catalog.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { hasWrongAnswer, solutionFiles, type ValidationReport } from '../../src/grading/exercise-validation';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';
import { repeatableOutcome } from '../support/repeatable';

const folders = readdirSync(CATALOG_DIR, { withFileTypes: true })
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
const attacksFor = (exercise: string) => attacks.filter((_, i) => half === null || (i + folders.indexOf(exercise)) % 2 === half);

/**
 * The shipped catalog through the whole platform, as at start-up: published into course
 * python-memory and validated by a worker in the sandbox (fourteen validations of ten gradings
 * each: this file does it once for both parts below), then each exercise's reference, starter and
 * wrong answer over the API (graded as validation graded them: repeatable), and our attack suite,
 * none of which may earn a point.
 */
describe('the shipped catalog', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let published: CatalogReport;

  const newStudent = async () => {
    const student = await new TestData(prisma).newUser('student');
    const course = await prisma.course.findUniqueOrThrow({ where: { slug: CATALOG_COURSE.slug } });
    await prisma.enrolment.create({ data: { courseId: course.id, userId: student.id, role: 'student' } });
    return student.key;
  };

  beforeAll(async () => {
    // The attacks go in all at once from one student: no rate limit, no queued limit (newer would replace older).
    app = await startApi({ SUBMISSION_RATE_LIMIT_PER_MINUTE: '100000', SUBMISSION_MAX_QUEUED_PER_EXERCISE: '0' });
    worker = await startWorker({ WORKER_CONCURRENCY: '2' });
    prisma = app.get(PrismaService);
    published = await app.get(CatalogService).publishCatalog();
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
      expect(published.failed).toEqual([]);
      expect(published.published.map((p) => p.exercise).sort()).toEqual(folders);
      const versions = await waitUntil(
        () => prisma.exerciseVersion.findMany({ where: { exercise: { course: { slug: CATALOG_COURSE.slug } } }, include: { exercise: true } }),
        (rows) => rows.length >= folders.length && rows.every((v) => v.status !== 'pending'),
        { withinMs: 15 * 60_000, everyMs: 1000, what: 'every catalog exercise validated' },
      );
      const invalid = versions.filter((v) => v.status !== 'valid').map((v) => `${v.exercise.slug}: ${JSON.stringify((v.validation as { problems?: unknown })?.problems)}`);
      expect(invalid).toEqual([]);
      // Publishing again at the next start changes nothing.
      const again = await app.get(CatalogService).publishCatalog();
      expect(again.published.filter((p) => p.created)).toEqual([]);
    },
    16 * 60_000,
  );

  /**
   * Each exercise's reference, starter and wrong answer over the API, graded in fresh sandboxes
   * with the figures publishing stored. Validation graded the same three once already: the second
   * grading must give every test the same score and pass, and the same verdict (so every grader is
   * repeatable in `npm test`; `npm run test:slow` adds determinism.slow-spec.ts, 30 runs each).
   */
  describe('over the API', () => {
    it.each(folders)(
      '%s: the reference earns full marks, the starter and the wrong answer do not, each as validation graded it',
      async (folder) => {
        const key = await newStudent();
        const { spec, files } = loadExerciseFolder(`${CATALOG_DIR}/${folder}`);
        const submit = async (from: 'reference' | 'starter' | 'wrong') => {
          const body = { exercise: `${CATALOG_COURSE.slug}/${folder}`, files: solutionFiles(spec, files, from) };
          const created = await request(app.getHttpServer()).post('/api/v1/submissions').set('Authorization', `Bearer ${key}`).send(body).expect(202);
          const view = await waitForGraded(app, key, created.body.id, 5 * 60_000);
          const stored = await prisma.gradingResult.findFirstOrThrow({ where: { submissionId: created.body.id }, include: { tests: { orderBy: { position: 'asc' } } } });
          return { from, view, stored };
        };
        const [reference, ...others] = await Promise.all([submit('reference'), submit('starter'), ...(hasWrongAnswer(spec, files) ? [submit('wrong')] : [])]);
        expect({ status: reference.view.status, score: reference.view.score }).toEqual({ status: 'graded', score: reference.view.maxScore });
        for (const { view } of others) {
          expect(view.status).toBe('graded');
          expect(view.score).toBeLessThan(view.maxScore);
        }
        const version = await prisma.exerciseVersion.findFirstOrThrow({ where: { exercise: { slug: folder, course: { slug: CATALOG_COURSE.slug } }, status: 'valid' } });
        const validated = version.validation as unknown as ValidationReport;
        for (const { from, stored } of [reference, ...others]) {
          const first = validated[from];
          expect({ from, outcome: repeatableOutcome(stored.verdict, stored.tests) }).toEqual({ from, outcome: first && repeatableOutcome(first.verdict, first.tests) });
        }
      },
      10 * 60_000,
    );
  });

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
    it.each(folders.map((exercise) => [exercise, attacksFor(exercise)] as const))(
      '%s: every attack scores 0 and is marked for the instructor (%j)',
      async (exercise, sent) => {
        const key = await newStudent();
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
            // and the judge's private copies must not be among them (the student's own files are theirs to read).
            leaksTests: /LEAKED \/(sandbox\/task|task|tmp\/memgrade-[^/ ]+)\/(plan\.json|tests\/|reference)/.test(output),
          });
        }
        expect(outcomes).toEqual(sent.map((attack) => ({ attack, status: 'graded', score: 0, markedForInstructor: true, leaksTests: false })));
      },
      20 * 60_000,
    );
  });
});
