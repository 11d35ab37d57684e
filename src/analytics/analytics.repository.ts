import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import { NUMBER_PATTERN_SQL } from './failure-pattern';

export type AnalyticsBasis = 'counting' | 'all';
export type CountingPolicy = 'best' | 'latest';

/** The gradebook's rule for the submission that counts (src/gradebook/gradebook.service.ts, ORDER), per student. */
const COUNTING_ORDER: Record<CountingPolicy, Prisma.Sql> = {
  best: Prisma.sql`s.score DESC, s.created_at ASC, s.id ASC`,
  latest: Prisma.sql`s.created_at DESC, s.id DESC`,
};

export interface TestRow {
  position: number;
  name: string;
  hidden: boolean;
  maxScore: number;
  runs: number;
  passed: number;
  meanScore: number;
}

export interface FailureRow {
  position: number;
  pattern: string;
  example: string;
  count: number;
}

export interface SummaryRow {
  submissions: number;
  students: number;
  meanPercent: number | null;
  fullMarks: number;
}

export interface BinRow {
  bin: number;
  count: number;
}

export interface DayRow {
  day: string;
  submissions: number;
  meanPercent: number;
  fullMarks: number;
}

/**
 * The analytics of one exercise version, aggregated in Postgres (one pass per figure over an index
 * range of submissions, never the rows in Node). Population: graded submissions of the version by
 * the course's enrolled students; "counting" keeps each student's one submission that counts under
 * the course's gradebook policy among them, "all" keeps every one. Tests are read from each
 * submission's latest grading run.
 */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The course's exercise with this slug and its versions, newest first (what a version is chosen from); null when none. */
  findExerciseWithVersions(courseId: string, slug: string) {
    return this.prisma.exercise.findUnique({
      where: { courseId_slug: { courseId, slug } },
      include: { versions: { orderBy: { number: 'desc' }, select: { id: true, number: true, maxScore: true } } },
    });
  }

  private population(versionId: string, courseId: string, basis: AnalyticsBasis, policy: CountingPolicy): Prisma.Sql {
    const graded = Prisma.sql`
      SELECT s.id, s.user_id, s.score, s.max_score, s.created_at
        FROM submissions s
        JOIN enrolments en ON en.user_id = s.user_id AND en.course_id = ${courseId}::uuid AND en.role = 'student'
       WHERE s.exercise_version_id = ${versionId}::uuid AND s.status = 'graded' AND s.score IS NOT NULL`;
    if (basis === 'all') return graded;
    return Prisma.sql`SELECT DISTINCT ON (s.user_id) s.* FROM (${graded}) s ORDER BY s.user_id, ${COUNTING_ORDER[policy]}`;
  }

  /** The population with each submission's latest grading run. */
  private withLatestRun(population: Prisma.Sql): Prisma.Sql {
    return Prisma.sql`
      SELECT p.*, r.id AS result_id
        FROM (${population}) p
        JOIN LATERAL (SELECT g.id FROM grading_results g WHERE g.submission_id = p.id ORDER BY g.run DESC LIMIT 1) r ON true`;
  }

  async summary(versionId: string, courseId: string, basis: AnalyticsBasis, policy: CountingPolicy): Promise<SummaryRow> {
    const [row] = await this.prisma.$queryRaw<SummaryRow[]>`
      SELECT count(*)::int AS "submissions", count(DISTINCT p.user_id)::int AS "students",
             avg(p.score / NULLIF(p.max_score, 0) * 100)::float8 AS "meanPercent",
             count(*) FILTER (WHERE p.score >= p.max_score)::int AS "fullMarks"
        FROM (${this.population(versionId, courseId, basis, policy)}) p`;
    return row;
  }

  async tests(versionId: string, courseId: string, basis: AnalyticsBasis, policy: CountingPolicy): Promise<TestRow[]> {
    return this.prisma.$queryRaw<TestRow[]>`
      SELECT t.position, t.name, bool_or(t.hidden) AS "hidden", max(t.max_score)::float8 AS "maxScore",
             count(*)::int AS "runs", count(*) FILTER (WHERE t.passed)::int AS "passed", avg(t.score)::float8 AS "meanScore"
        FROM (${this.withLatestRun(this.population(versionId, courseId, basis, policy))}) l
        JOIN test_results t ON t.grading_result_id = l.result_id
       GROUP BY t.position, t.name
       ORDER BY t.position`;
  }

  /** Per test, its most frequent failing message after numbers are made "N" (ties: the pattern first in order). */
  async commonFailures(versionId: string, courseId: string, basis: AnalyticsBasis, policy: CountingPolicy): Promise<FailureRow[]> {
    return this.prisma.$queryRaw<FailureRow[]>`
      SELECT DISTINCT ON (f.position) f.position, f.pattern, f.example, f.count
        FROM (
          SELECT t.position, regexp_replace(t.message, ${NUMBER_PATTERN_SQL}, 'N', 'g') AS pattern,
                 min(t.message) AS example, count(*)::int AS count
            FROM (${this.withLatestRun(this.population(versionId, courseId, basis, policy))}) l
            JOIN test_results t ON t.grading_result_id = l.result_id
           WHERE NOT t.passed
           GROUP BY t.position, pattern
        ) f
       ORDER BY f.position, f.count DESC, f.pattern`;
  }

  /** Scores as a percentage of the maximum in `bins` equal bins (100 % falls in the last). */
  async histogram(versionId: string, courseId: string, basis: AnalyticsBasis, policy: CountingPolicy, bins: number): Promise<BinRow[]> {
    return this.prisma.$queryRaw<BinRow[]>`
      SELECT LEAST(floor(p.score / NULLIF(p.max_score, 0) * ${bins}), ${bins - 1})::int AS bin, count(*)::int AS count
        FROM (${this.population(versionId, courseId, basis, policy)}) p
       WHERE p.max_score > 0
       GROUP BY bin ORDER BY bin`;
  }

  /** Per UTC day of submission: how many, their mean score (% of the maximum), how many had full marks. */
  async trend(versionId: string, courseId: string, basis: AnalyticsBasis, policy: CountingPolicy): Promise<DayRow[]> {
    return this.prisma.$queryRaw<DayRow[]>`
      SELECT to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS "submissions",
             avg(p.score / NULLIF(p.max_score, 0) * 100)::float8 AS "meanPercent",
             count(*) FILTER (WHERE p.score >= p.max_score)::int AS "fullMarks"
        FROM (${this.population(versionId, courseId, basis, policy)}) p
       GROUP BY day ORDER BY day`;
  }
}
