import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { ExerciseSpec } from '../exercises/exercise-spec';
import { ExerciseDefectError, SubmissionGrader, type GradeOutcome } from './grade-outcome';
import { referenceFiguresOf } from './harness/harness-result';

/** How many times the reference runs to measure the figures relative budgets compare against. */
export const REFERENCE_RUNS = 3;

interface SolutionReport {
  score: number;
  maxScore: number;
  verdict: string;
  tests: { name: string; passed: boolean; score: number; maxScore: number; message: string }[];
}

export interface ValidationReport {
  checkedAt: string;
  durationMs: number;
  referenceRuns: number;
  reference: SolutionReport;
  starter: SolutionReport;
  wrong?: SolutionReport;
  /** Why the version is invalid; empty when it is valid. */
  problems: string[];
}

/**
 * Decides whether an exercise version may be published, by grading its own solutions in the
 * sandbox exactly as students' are graded: the reference must earn full marks (after its peaks
 * are measured for relative budgets), the starter and the wrong answer must not. A valid version
 * becomes the exercise's current one, unless a newer version is current already.
 */
@Injectable()
export class ExerciseValidationService {
  private readonly logger = new Logger(ExerciseValidationService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly grader: SubmissionGrader,
  ) {}

  async validate(exerciseVersionId: string): Promise<'valid' | 'invalid' | 'skipped'> {
    const version = await this.prisma.exerciseVersion.findUnique({ where: { id: exerciseVersionId }, include: { exercise: true } });
    if (!version || version.status !== 'pending') return 'skipped';
    const started = Date.now();
    const spec = version.spec as unknown as ExerciseSpec;
    const files = version.files as Record<string, string>;
    const solution = (folder: string) => Object.fromEntries(spec.studentFiles.map((name) => [name, files[`${folder}/${name}`]]));
    const grade = (folder: string, referenceFigures: Record<string, unknown>) =>
      this.grader.grade({ submissionId: `validation-${version.id}`, exerciseSlug: version.exercise.slug, spec, exerciseFiles: files, referenceFigures, studentFiles: solution(folder) });

    try {
      return await this.runSolutions(version, spec, files, grade, started);
    } catch (error) {
      if (!(error instanceof ExerciseDefectError)) throw error;
      await this.record(version, 'invalid', { checkedAt: new Date().toISOString(), durationMs: Date.now() - started, problems: [error.message] }, {});
      return 'invalid';
    }
  }

  private async runSolutions(
    version: { id: string; number: number; exerciseId: string; exercise: { slug: string } },
    spec: ExerciseSpec,
    files: Record<string, string>,
    grade: (folder: string, referenceFigures: Record<string, unknown>) => Promise<GradeOutcome>,
    started: number,
  ): Promise<'valid' | 'invalid'> {
    const measuring: GradeOutcome[] = [];
    for (let run = 0; run < REFERENCE_RUNS; run++) measuring.push(await grade('reference', {}));
    const figures = referenceFiguresOf(measuring);
    const reference = summarise(await grade('reference', figures));
    const starter = summarise(await grade('starter', figures));
    const hasWrong = spec.studentFiles.every((name) => files[`wrong/${name}`] !== undefined);
    const wrong = hasWrong ? summarise(await grade('wrong', figures)) : undefined;

    const problems: string[] = [];
    if (reference.score < reference.maxScore) {
      const failed = reference.tests.filter((t) => !t.passed).map((t) => `"${t.name}": ${t.message}`);
      problems.push(`reference/ earns ${reference.score} of ${reference.maxScore}; it must earn full marks. Failed: ${failed.join('; ')}`);
    }
    if (starter.score >= starter.maxScore) problems.push(`starter/ already earns full marks (${starter.score}); it must leave something to do`);
    if (wrong && wrong.score >= wrong.maxScore) problems.push(`wrong/ earns full marks (${wrong.score}); a wrong answer must not`);

    const report: ValidationReport = {
      checkedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      referenceRuns: REFERENCE_RUNS,
      reference,
      starter,
      ...(wrong ? { wrong } : {}),
      problems,
    };
    const status = problems.length ? 'invalid' : 'valid';
    await this.record(version, status, report, figures, spec.title);
    this.logger.log({ exercise: version.exercise.slug, version: version.number, status, problems }, 'exercise version validated');
    return status;
  }

  private async record(
    version: { id: string; number: number; exerciseId: string },
    status: 'valid' | 'invalid',
    report: Partial<ValidationReport>,
    figures: Record<string, unknown>,
    title?: string,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.exerciseVersion.update({ where: { id: version.id }, data: { status, validation: report as object, referencePeaks: figures as object } });
      if (status !== 'valid') return;
      const current = await tx.exercise.findUniqueOrThrow({ where: { id: version.exerciseId }, include: { currentVersion: true } });
      if (!current.currentVersion || current.currentVersion.number < version.number) {
        await tx.exercise.update({ where: { id: version.exerciseId }, data: { currentVersionId: version.id, ...(title ? { title } : {}) } });
      }
    });
  }

  /** Ends a version whose validation could not run (retries spent), so it is not pending for ever. */
  async fail(exerciseVersionId: string, reason: string): Promise<void> {
    await this.prisma.exerciseVersion.updateMany({
      where: { id: exerciseVersionId, status: 'pending' },
      data: { status: 'invalid', validation: { checkedAt: new Date().toISOString(), problems: [`validation could not run: ${reason}`] } },
    });
  }
}

function summarise(outcome: GradeOutcome): SolutionReport {
  return {
    score: outcome.tests.reduce((sum, t) => sum + t.score, 0),
    maxScore: outcome.tests.reduce((sum, t) => sum + t.maxScore, 0),
    verdict: outcome.verdict,
    tests: outcome.tests.map((t) => ({ name: t.name, passed: t.passed, score: t.score, maxScore: t.maxScore, message: t.message })),
  };
}
