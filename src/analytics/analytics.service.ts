import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { ForbiddenError, NotFoundError } from '../common/errors/domain-errors';
import { AnalyticsRepository, type AnalyticsBasis, type CountingPolicy } from './analytics.repository';
import type { ExerciseAnalyticsDto, ScoreBinDto, TestAnalyticsDto } from './dto/exercise-analytics.dto';

export type ExerciseAnalytics = ExerciseAnalyticsDto;

export const HISTOGRAM_BINS = 10;
const round = (value: number | null, digits = 4) => (value === null ? null : Math.round(value * 10 ** digits) / 10 ** digits);

/** Per-test analytics of an exercise version for its course's staff (issue 12, item 8). */
@Injectable()
export class AnalyticsService {
  constructor(
    private readonly access: AccessPolicy,
    private readonly repository: AnalyticsRepository,
  ) {}

  async forExercise(principal: Principal, courseSlug: string, exerciseSlug: string, basis: AnalyticsBasis = 'counting', versionNumber?: number): Promise<ExerciseAnalytics> {
    const course = await this.access.findVisible(principal, courseSlug);
    if (!(await this.access.canReadAll(principal, course.id))) {
      throw new ForbiddenError(`the analytics of course "${course.slug}" are for its instructors, an admin or its lms key`);
    }
    const exercise = await this.repository.findExerciseWithVersions(course.id, exerciseSlug);
    if (!exercise) throw new NotFoundError(`exercise "${exerciseSlug}" does not exist`, [{ field: 'exercise', reason: 'no such exercise in this course' }]);
    const version =
      versionNumber !== undefined
        ? exercise.versions.find((v) => v.number === versionNumber)
        : (exercise.versions.find((v) => v.id === exercise.currentVersionId) ?? exercise.versions[0]);
    if (!version) {
      throw new NotFoundError(`exercise "${exerciseSlug}" has no version ${versionNumber ?? ''}`.trim(), [{ field: 'version', reason: 'no such version of this exercise' }]);
    }
    const policy: CountingPolicy = course.gradebookPolicy === 'latest' ? 'latest' : 'best';
    const args = [version.id, course.id, basis, policy] as const;
    const [summary, tests, failures, bins, trend] = await Promise.all([
      this.repository.summary(...args),
      this.repository.tests(...args),
      this.repository.commonFailures(...args),
      this.repository.histogram(...args, HISTOGRAM_BINS),
      this.repository.trend(...args),
    ]);

    const failureAt = new Map(failures.map((f) => [f.position, f]));
    const testViews: TestAnalyticsDto[] = tests.map((t) => {
      const failure = failureAt.get(t.position);
      return {
        position: t.position,
        name: t.name,
        hidden: t.hidden,
        maxScore: Number(t.maxScore),
        runs: t.runs,
        passed: t.passed,
        passRate: t.runs ? round(t.passed / t.runs) : null,
        meanScore: round(t.meanScore),
        commonFailure: failure ? { pattern: failure.pattern, example: failure.example, count: failure.count } : null,
      };
    });
    const countOf = new Map(bins.map((b) => [b.bin, b.count]));
    const width = 100 / HISTOGRAM_BINS;
    const histogram: ScoreBinDto[] = Array.from({ length: HISTOGRAM_BINS }, (_, bin) => ({ fromPercent: bin * width, toPercent: (bin + 1) * width, count: countOf.get(bin) ?? 0 }));

    return {
      course: course.slug,
      exercise: exercise.slug,
      title: exercise.title,
      version: { number: version.number, current: version.id === exercise.currentVersionId },
      basis,
      basisDescription:
        basis === 'counting'
          ? `each enrolled student's submission of version ${version.number} that counts under the gradebook policy "${policy}" (${policy === 'best' ? 'highest score, earliest on a tie' : 'most recent'}), among their graded submissions of this version`
          : `every graded submission of version ${version.number} by an enrolled student`,
      policy,
      generatedAt: new Date().toISOString(),
      maxScore: version.maxScore,
      submissions: summary.submissions,
      students: summary.students,
      meanPercent: round(summary.meanPercent, 2),
      fullMarks: summary.fullMarks,
      tests: testViews,
      histogram,
      trend: trend.map((d) => ({ day: d.day, submissions: d.submissions, meanPercent: round(d.meanPercent, 2)!, fullMarks: d.fullMarks })),
    };
  }
}
