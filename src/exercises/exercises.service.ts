import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { ExerciseRepository } from './exercise.repository';
import { hiddenTestName } from './hidden-tests';
import type { ExerciseSpec } from './exercise-spec';
import type { ExerciseDetail, ExerciseSummary, ExerciseVersionView } from './dto/exercise-views.dto';

export type { ExerciseDetail, ExerciseSummary, ExerciseVersionView } from './dto/exercise-views.dto';

@Injectable()
export class ExercisesService {
  constructor(
    private readonly repository: ExerciseRepository,
    private readonly access: AccessPolicy,
  ) {}

  /** The exercises of a course that students can submit to (those with a valid current version). */
  async listForCourse(principal: Principal, courseSlug: string): Promise<ExerciseSummary[]> {
    const course = await this.access.findVisible(principal, courseSlug);
    const exercises = await this.repository.published(course.id);
    return exercises.map(({ slug, currentVersion }) => {
      const spec = currentVersion!.spec as unknown as ExerciseSpec;
      return {
        slug,
        title: spec.title,
        maxScore: currentVersion!.maxScore,
        studentFiles: spec.studentFiles,
        limits: { memoryMiB: spec.limits.memoryMiB, timeSeconds: spec.limits.timeSeconds },
      };
    });
  }

  /** One published exercise with its statement and starter code; students see hidden tests as "Hidden test N". */
  async detail(principal: Principal, courseSlug: string, exerciseSlug: string): Promise<ExerciseDetail> {
    const { course, exercise, version, spec } = await this.currentVersionFor(principal, `${courseSlug}/${exerciseSlug}`);
    const files = version.files as Record<string, string>;
    const staff = await this.access.canReadAll(principal, course.id);
    let hiddenSeen = 0;
    return {
      slug: exercise.slug,
      title: spec.title,
      maxScore: version.maxScore,
      studentFiles: spec.studentFiles,
      limits: { memoryMiB: spec.limits.memoryMiB, timeSeconds: spec.limits.timeSeconds },
      statement: spec.statement,
      starter: Object.fromEntries(spec.studentFiles.map((name) => [name, files[`starter/${name}`] ?? ''])),
      tests: spec.tests.map(({ name, points, hidden }) => ({ name: hidden && !staff ? hiddenTestName(++hiddenSeen) : name, points, hidden })),
      version: { number: version.number, contentHash: version.contentHash },
    };
  }

  /** Every version of an exercise with its validation report (course staff). */
  async versions(principal: Principal, courseSlug: string, exerciseSlug: string): Promise<ExerciseVersionView[]> {
    const course = await this.access.findFor(principal, courseSlug, 'readAll');
    const exercise = await this.repository.withVersions(course.id, exerciseSlug);
    if (!exercise) throw new NotFoundError(`exercise "${exerciseSlug}" does not exist`, [{ field: 'exercise', reason: 'no such exercise in this course' }]);
    return exercise.versions.map((v) => ({
      number: v.number,
      contentHash: v.contentHash,
      status: v.status,
      current: v.id === exercise.currentVersionId,
      maxScore: v.maxScore,
      validation: v.validation,
      referencePeaks: v.referencePeaks,
      createdAt: v.createdAt.toISOString(),
    }));
  }

  /**
   * What a new submission needs of the exercise it names (POST /submissions, the hot path of a
   * burst): the current version's id, score and spec, without its files (every test, reference and
   * data file of the exercise), which only the worker reads. Same checks and errors as currentVersionFor.
   */
  async versionToSubmitTo(principal: Principal, reference: string) {
    const [courseSlug, exerciseSlug] = reference.split('/');
    // One statement for what findVisible and the current version would read in four with Prisma.
    const target = await this.repository.submitTarget(courseSlug, exerciseSlug ?? '', principal.userId);
    const course = this.access.visibleOrThrow(principal, courseSlug, target && { course: target.course, rosterRole: target.rosterRole });
    const version = target!.version;
    if (!version || version.status !== 'valid') throw notPublished(reference, courseSlug, exerciseSlug);
    return { course, version, spec: version.spec as unknown as ExerciseSpec };
  }

  /**
   * Makes a valid version the one new submissions are graded against: a rollback to an earlier
   * version, or forward again (admin, the course's instructors). Submissions keep their version.
   */
  async makeCurrent(principal: Principal, courseSlug: string, exerciseSlug: string, number: number): Promise<ExerciseVersionView> {
    const course = await this.access.findFor(principal, courseSlug, 'publish');
    const exercise = await this.repository.find(course.id, exerciseSlug);
    if (!exercise) throw new NotFoundError(`exercise "${exerciseSlug}" does not exist`, [{ field: 'exercise', reason: 'no such exercise in this course' }]);
    const version = await this.repository.version(exercise.id, number);
    if (!version) throw new NotFoundError(`version ${number} of exercise "${exerciseSlug}" does not exist`, [{ field: 'number', reason: 'no such version' }]);
    if (version.status !== 'valid') {
      throw new ConflictError(`version ${number} is ${version.status}: only a valid version can be made current`, [{ field: 'number', reason: `is ${version.status}, not valid` }]);
    }
    await this.repository.makeCurrent(exercise.id, version.id, (version.spec as unknown as ExerciseSpec).title);
    return (await this.versions(principal, courseSlug, exerciseSlug)).find((v) => v.number === number)!;
  }

  /** The version a new submission to "<course>/<exercise>" is graded against. */
  async currentVersionFor(principal: Principal, reference: string) {
    const [courseSlug, exerciseSlug] = reference.split('/');
    const course = await this.access.findVisible(principal, courseSlug);
    const exercise = await this.repository.withCurrentVersion(course.id, exerciseSlug);
    if (!exercise?.currentVersion || exercise.currentVersion.status !== 'valid') throw notPublished(reference, courseSlug, exerciseSlug);
    return { course, exercise, version: exercise.currentVersion, spec: exercise.currentVersion.spec as unknown as ExerciseSpec };
  }
}

function notPublished(reference: string, courseSlug: string, exerciseSlug: string): NotFoundError {
  return new NotFoundError(`exercise "${reference}" does not exist or is not published`, [
    { field: 'exercise', reason: `no published exercise "${exerciseSlug}" in course "${courseSlug}"` },
  ]);
}
