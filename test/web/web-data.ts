import { randomUUID } from 'node:crypto';
import type { PrismaService } from '../../src/database/prisma.service';
import { resolve } from 'node:path';
import { maxScoreOf, type ExerciseSpec } from '../../src/exercises/exercise-spec';
import type { Verdict } from '../../src/generated/prisma/enums';
import { TestData } from '../support/fixtures';

/** A validation report of the shape the worker writes (src/grading/exercise-validation.ts). */
function validationOf(spec: ExerciseSpec) {
  const run = (passed: boolean) => ({
    score: passed ? maxScoreOf(spec) : 0,
    maxScore: maxScoreOf(spec),
    verdict: 'ok',
    tests: spec.tests.map((t) => ({ name: t.name, passed, score: passed ? t.points : 0, maxScore: t.points, message: passed ? 'passed' : 'not implemented' })),
  });
  return { checkedAt: new Date().toISOString(), durationMs: 4210, referenceRuns: 3, reference: run(true), starter: run(false), problems: [] };
}

/** A published exercise from a folder under test/web/fixtures, with a validation report to show. */
export async function newFolderExercise(prisma: PrismaService, courseId: string, folder: string) {
  const created = await new TestData(prisma).newExercise(courseId, resolve(__dirname, 'fixtures', folder), {
    'memory stays flat over a long stream': { rss_peak_mib: 0.02 },
  });
  const version = await prisma.exerciseVersion.update({
    where: { id: created.version.id },
    data: { validation: validationOf(created.version.spec as unknown as ExerciseSpec) },
  });
  return { exercise: created.exercise, version, slug: created.slug };
}

/**
 * A published exercise (valid current version) from a spec written here, without a harness plan:
 * it only carries results seeded into the database for the pages to show; nothing submitted to it
 * can be graded.
 */
export async function newProgramExercise(
  prisma: PrismaService,
  courseId: string,
  spec: Omit<ExerciseSpec, 'studentFiles' | 'plan'> & { studentFiles?: string[] },
  files: Record<string, string> = {},
) {
  const slug = `${spec.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomUUID().slice(0, 6)}`;
  const full: ExerciseSpec = { studentFiles: ['solution.py'], ...spec };
  const exercise = await prisma.exercise.create({ data: { courseId, slug, title: full.title } });
  const version = await prisma.exerciseVersion.create({
    data: {
      exerciseId: exercise.id,
      number: 1,
      contentHash: randomUUID().replace(/-/g, ''),
      spec: full as object,
      files,
      maxScore: maxScoreOf(full),
      status: 'valid',
      validation: validationOf(full),
    },
  });
  await prisma.exercise.update({ where: { id: exercise.id }, data: { currentVersionId: version.id } });
  return { exercise, version, slug };
}

export interface SeededTest {
  name: string;
  score: number;
  maxScore: number;
  passed: boolean;
  hidden?: boolean;
  message?: string;
  detail?: string | null;
  measurements?: Record<string, unknown>;
}

/**
 * A graded submission written straight to the database (Submission + GradingResult + TestResult
 * rows), as the worker stores one. Used for results the interim grader cannot produce yet
 * (memory samples, refcount and gc numbers): the pages must show them.
 */
export async function seedGradedSubmission(
  prisma: PrismaService,
  input: {
    versionId: string;
    userId: string;
    files?: Record<string, string>;
    tests: SeededTest[];
    verdict?: Verdict;
    createdAt?: Date;
    durationMs?: number;
    /** What the harness flagged, and the severity the worker would store for it (src/results/flag-summary.ts). */
    flags?: object[];
    flagSeverity?: 'high' | 'medium' | 'low';
    stdout?: string;
    stderr?: string;
    outputSections?: { label: string; hidden: boolean; stdout: string; stderr: string }[];
  },
): Promise<string> {
  const score = input.tests.reduce((sum, t) => sum + t.score, 0);
  const maxScore = input.tests.reduce((sum, t) => sum + t.maxScore, 0);
  const createdAt = input.createdAt ?? new Date();
  const submission = await prisma.submission.create({
    data: {
      exerciseVersionId: input.versionId,
      userId: input.userId,
      files: input.files ?? { 'solution.py': 'print("seeded")\n' },
      status: 'graded',
      verdict: input.verdict ?? 'ok',
      score,
      maxScore,
      attempts: 1,
      durationMs: input.durationMs ?? 2140,
      flagSeverity: input.flagSeverity ?? null,
      createdAt,
      startedAt: createdAt,
      finishedAt: new Date(createdAt.getTime() + (input.durationMs ?? 2140)),
      results: {
        create: {
          run: 1,
          verdict: input.verdict ?? 'ok',
          score,
          maxScore,
          exitCode: 0,
          wallMs: input.durationMs ?? 2140,
          stdout: input.stdout ?? '',
          stderr: input.stderr ?? '',
          flags: input.flags ?? [],
          ...(input.outputSections ? { outputSections: input.outputSections } : {}),
          tests: {
            create: input.tests.map((t, position) => ({
              position,
              name: t.name,
              score: t.score,
              maxScore: t.maxScore,
              passed: t.passed,
              hidden: t.hidden ?? false,
              message: t.message ?? '',
              detail: t.detail ?? null,
              measurements: (t.measurements ?? {}) as object,
            })),
          },
        },
      },
    },
  });
  return submission.id;
}

/** Many graded submissions without test rows (for tables, paging and histograms). */
export async function seedScores(prisma: PrismaService, input: { versionId: string; userId: string; maxScore: number; scores: number[]; from: Date }): Promise<void> {
  await prisma.submission.createMany({
    data: input.scores.map((score, i) => ({
      exerciseVersionId: input.versionId,
      userId: input.userId,
      files: { 'solution.py': `print(${i})\n` },
      status: 'graded' as const,
      verdict: 'ok' as const,
      score,
      maxScore: input.maxScore,
      attempts: 1,
      durationMs: 900,
      createdAt: new Date(input.from.getTime() + i * 1000),
      finishedAt: new Date(input.from.getTime() + i * 1000 + 900),
    })),
  });
}

/** A memory curve that looks measured: a start-up plateau, then growth with collector dips. */
export function leakySamples(count: number, intervalS: number, fromMiB: number, toMiB: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) {
    const t = Number((i * intervalS).toFixed(3));
    const progress = Math.max(0, (i - count * 0.12) / (count * 0.88));
    const saw = (i % 9) / 9;
    const mib = fromMiB + (toMiB - fromMiB) * progress - (progress > 0 ? saw * 1.4 : 0) + Math.sin(i * 1.7) * 0.25;
    out.push([t, Number(Math.min(toMiB, mib).toFixed(2))]);
  }
  out[out.length - 3][1] = toMiB; // the measured peak is one of the samples
  return out;
}

/** A flat-ish streaming curve as plain MiB values (the [mib, ...] form with interval_s). */
export function flatSamples(count: number, baseMiB: number, peakMiB: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    const rise = Math.min(1, i / (count * 0.15));
    const wobble = Math.sin(i * 0.9) * 0.35 + (i % 7 === 3 ? 0.6 : 0);
    return Number(Math.min(peakMiB, baseMiB + (peakMiB - baseMiB - 0.8) * rise + wobble).toFixed(2));
  }).map((v, i, all) => (i === Math.floor(all.length * 0.6) ? peakMiB : v));
}
