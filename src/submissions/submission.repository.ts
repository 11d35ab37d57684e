import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';

/**
 * A submission with its exercise version, exercise and course: what access and views need. Not the
 * version's spec and files (an exercise's tests and starter files, read on every GET otherwise).
 */
const withCourse = { exerciseVersion: { select: { id: true, exerciseId: true, number: true, maxScore: true, status: true, exercise: { include: { course: true } } } } } as const;

export type SubmissionWithCourse = Prisma.SubmissionGetPayload<{ include: typeof withCourse }>;
/** With its latest grading run (none or one) and that run's tests, as the submission's view shows it. */
export type SubmissionWithLatestResult = Prisma.SubmissionGetPayload<{ include: typeof withCourse & { results: { include: { tests: true } } } }>;

type Row<T> = { [K in keyof T]: T[K] };
type SubmissionColumns = Omit<SubmissionWithLatestResult, 'exerciseVersion' | 'results'>;
type ResultColumns = Omit<SubmissionWithLatestResult['results'][number], 'tests' | 'id' | 'submissionId'>;
type Version = SubmissionWithLatestResult['exerciseVersion'];

/** getWithLatestResult's row: the submission's columns, then its version (v_), exercise (e_), course (c_) and latest run (r_, null without one). */
type LatestResultRow = Row<SubmissionColumns> & {
  v_number: Version['number'];
  v_max_score: Version['maxScore'];
  v_status: Version['status'];
  v_exercise_id: string;
  e_course_id: string;
  e_slug: string;
  e_title: string;
  e_current_version_id: string | null;
  e_created_at: Date;
  c_slug: string;
  c_title: string;
  c_gradebook_policy: string;
  c_created_at: Date;
  r_id: string | null;
  r_run: ResultColumns['run'] | null;
  r_verdict: ResultColumns['verdict'] | null;
  r_score: number | null;
  r_max_score: number | null;
  r_exit_code: number | null;
  r_wall_ms: number | null;
  r_peak_memory_bytes: bigint | number | null;
  r_stdout: string | null;
  r_stderr: string | null;
  r_output_sections: ResultColumns['outputSections'];
  r_flags: ResultColumns['flags'] | null;
  r_report: ResultColumns['report'] | null;
  r_created_at: Date | null;
  r_tests: SubmissionWithLatestResult['results'][number]['tests'];
};

/** The new submission's row; the rest of its columns take their defaults. */
export type NewSubmission = Prisma.SubmissionUncheckedCreateInput & { id: string; createdAt: Date };

/** The queries of the submissions domain. */
@Injectable()
export class SubmissionRepository {
  constructor(private readonly prisma: PrismaService) {}

  getWithCourse(id: string): Promise<SubmissionWithCourse | null> {
    return this.prisma.submission.findUnique({ where: { id }, include: withCourse });
  }

  /**
   * The submission with its course and its latest grading run (`results`: none or one, with its
   * tests by position), in one statement: GET /submissions/{id} is the hottest read, and Prisma
   * sends one statement per relation (six).
   */
  async getWithLatestResult(id: string): Promise<SubmissionWithLatestResult | null> {
    const [row] = await this.prisma.$queryRaw<LatestResultRow[]>`
      SELECT s.id, s.exercise_version_id AS "exerciseVersionId", s.user_id AS "userId", s.api_key_id AS "apiKeyId", s.idempotency_key AS "idempotencyKey",
             s.request_hash AS "requestHash", s.files, s.status::text AS status, s.verdict::text AS verdict, s.score, s.max_score AS "maxScore",
             s.error_reason AS "errorReason", s.attempts, s.job_id AS "jobId", s.sweeps, s.duration_ms AS "durationMs", s.flag_severity::text AS "flagSeverity",
             s.created_at AS "createdAt", s.updated_at AS "updatedAt", s.started_at AS "startedAt", s.finished_at AS "finishedAt",
             v.number AS v_number, v.max_score AS v_max_score, v.status::text AS v_status, v.exercise_id AS v_exercise_id,
             e.course_id AS e_course_id, e.slug AS e_slug, e.title AS e_title, e.current_version_id AS e_current_version_id, e.created_at AS e_created_at,
             c.slug AS c_slug, c.title AS c_title, c.gradebook_policy AS c_gradebook_policy, c.created_at AS c_created_at,
             r.id AS r_id, r.run AS r_run, r.verdict::text AS r_verdict, r.score AS r_score, r.max_score AS r_max_score, r.exit_code AS r_exit_code,
             r.wall_ms AS r_wall_ms, r.peak_memory_bytes AS r_peak_memory_bytes, r.stdout AS r_stdout, r.stderr AS r_stderr,
             r.output_sections AS r_output_sections, r.flags AS r_flags, r.report AS r_report, r.created_at AS r_created_at,
             (SELECT COALESCE(json_agg(json_build_object('id', t.id, 'gradingResultId', t.grading_result_id, 'position', t.position, 'name', t.name,
                       'score', t.score, 'maxScore', t.max_score, 'passed', t.passed, 'message', t.message, 'hidden', t.hidden, 'detail', t.detail,
                       'measurements', t.measurements) ORDER BY t.position), '[]'::json)
                FROM test_results t WHERE t.grading_result_id = r.id) AS r_tests
        FROM submissions s
        JOIN exercise_versions v ON v.id = s.exercise_version_id
        JOIN exercises e ON e.id = v.exercise_id
        JOIN courses c ON c.id = e.course_id
        LEFT JOIN LATERAL (SELECT * FROM grading_results g WHERE g.submission_id = s.id ORDER BY g.run DESC LIMIT 1) r ON true
       WHERE s.id = ${id}::uuid`;
    if (!row) return null;
    const { v_number, v_max_score, v_status, v_exercise_id, e_course_id, e_slug, e_title, e_current_version_id, e_created_at, c_slug, c_title, c_gradebook_policy, c_created_at } =
      row;
    const course = { id: e_course_id, slug: c_slug, title: c_title, gradebookPolicy: c_gradebook_policy, createdAt: c_created_at };
    const exercise = { id: v_exercise_id, courseId: e_course_id, slug: e_slug, title: e_title, currentVersionId: e_current_version_id, createdAt: e_created_at, course };
    const exerciseVersion = { id: row.exerciseVersionId, exerciseId: v_exercise_id, number: v_number, maxScore: v_max_score, status: v_status, exercise };
    const results = row.r_id
      ? [
          {
            id: row.r_id,
            submissionId: row.id,
            run: row.r_run!,
            verdict: row.r_verdict!,
            score: row.r_score!,
            maxScore: row.r_max_score!,
            exitCode: row.r_exit_code,
            wallMs: row.r_wall_ms,
            peakMemoryBytes: row.r_peak_memory_bytes === null ? null : BigInt(row.r_peak_memory_bytes),
            stdout: row.r_stdout!,
            stderr: row.r_stderr!,
            outputSections: row.r_output_sections,
            flags: row.r_flags!,
            report: row.r_report!,
            createdAt: row.r_created_at!,
            tests: row.r_tests,
          },
        ]
      : [];
    return {
      id: row.id,
      exerciseVersionId: row.exerciseVersionId,
      userId: row.userId,
      apiKeyId: row.apiKeyId,
      idempotencyKey: row.idempotencyKey,
      requestHash: row.requestHash,
      files: row.files,
      status: row.status,
      verdict: row.verdict,
      score: row.score,
      maxScore: row.maxScore,
      errorReason: row.errorReason,
      attempts: row.attempts,
      jobId: row.jobId,
      sweeps: row.sweeps,
      durationMs: row.durationMs,
      flagSeverity: row.flagSeverity,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      exerciseVersion,
      results,
    };
  }

  findByIdempotencyKey(apiKeyId: string, idempotencyKey: string) {
    return this.prisma.submission.findUnique({ where: { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey } } });
  }

  /**
   * Stores a submission in one transaction with `admit`, which may refuse it by throwing (the
   * deadline and attempt-limit check, which must see the same snapshot as the insert).
   */
  createAdmitted(data: NewSubmission, admit: (tx: Prisma.TransactionClient) => Promise<void>) {
    return this.prisma.$transaction(async (tx) => {
      await admit(tx);
      return tx.submission.create({ data, select: { id: true, status: true, createdAt: true } });
    });
  }

  /** The same student's submission of the same exercise just before this one (any version), with its files. */
  previousOf(submission: { id: string; userId: string; createdAt: Date; exerciseId: string }) {
    return this.prisma.submission.findFirst({
      where: {
        userId: submission.userId,
        exerciseVersion: { exerciseId: submission.exerciseId },
        OR: [{ createdAt: { lt: submission.createdAt } }, { createdAt: submission.createdAt, id: { lt: submission.id } }],
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      select: { id: true, createdAt: true, files: true },
    });
  }

  /** Up to `take` submissions matching `where`, newest first (ties by id), with their course. */
  newestFirst(where: Prisma.SubmissionWhereInput, take: number): Promise<SubmissionWithCourse[]> {
    return this.prisma.submission.findMany({ where, include: withCourse, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take });
  }

  /** The finished (graded or failed) submissions of a version, optionally only of students on a course's roster. */
  finishedOfVersion(exerciseVersionId: string, onRosterOf?: string) {
    return this.prisma.submission.findMany({
      where: {
        exerciseVersionId,
        status: { in: ['graded', 'error'] },
        ...(onRosterOf ? { user: { enrolments: { some: { courseId: onRosterOf } } } } : {}),
      },
      select: { id: true, score: true },
    });
  }
}
