import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { NotFoundError } from '../common/errors/domain-errors';
import type { CourseCapability } from '../access/course-capabilities';
import { ExerciseRepository } from '../exercises/exercise.repository';
import { GradingQueueService } from '../queue/grading-queue.service';
import { RegradeRepository } from './regrade.repository';
import { SubmissionRepository } from './submission.repository';

/** A version regrade and how far it got. */
export interface RegradeView {
  id: string;
  exercise: string;
  version: number;
  createdAt: string;
  /** Submissions it re-queued (the same as `total`; kept for callers of the first version of this route). */
  queued: number;
  total: number;
  /** Their new result is stored. */
  regraded: number;
  /** Could not be graded again; the earlier result stands. */
  failed: number;
  /** Still waiting or running; each keeps its earlier result until then. */
  pending: number;
  /** Nothing is pending. */
  done: boolean;
  /** When the last one finished, once done. */
  finishedAt: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Version regrades: every finished submission of one exercise version graded again against that
 * version. Each submission keeps its stored result until its new one is stored (standing-result.ts);
 * the regrade's items count what is done (grading/grading.service.ts marks them as it stores or fails).
 */
@Injectable()
export class RegradesService {
  constructor(
    private readonly regrades: RegradeRepository,
    private readonly submissions: SubmissionRepository,
    private readonly exercises: ExerciseRepository,
    private readonly access: AccessPolicy,
    private readonly gradingQueue: GradingQueueService,
  ) {}

  /** Regrades every finished submission of one exercise version (course staff). */
  async start(principal: Principal, courseSlug: string, exerciseSlug: string, number: number): Promise<RegradeView> {
    const { course, version } = await this.findVersion(principal, courseSlug, exerciseSlug, number, 'regrade');
    // An lms key acts for the students on the roster only.
    const finished = await this.submissions.finishedOfVersion(version.id, principal.role === 'lms' ? course.id : undefined);
    // The items exist before any job does, so the worker always finds the one it must mark.
    const regrade = await this.regrades.create(version.id, principal.userId, finished);
    for (const { id } of finished) await this.gradingQueue.requeue(id, 'regrade');
    return this.view(regrade.id, `${course.slug}/${exerciseSlug}`, number);
  }

  /** The regrades of a version, newest first. */
  async list(principal: Principal, courseSlug: string, exerciseSlug: string, number: number): Promise<RegradeView[]> {
    const { version } = await this.findVersion(principal, courseSlug, exerciseSlug, number, 'readAll');
    const ids = await this.regrades.latestIdsOfVersion(version.id);
    return Promise.all(ids.map((id) => this.view(id, `${courseSlug}/${exerciseSlug}`, number)));
  }

  async get(principal: Principal, courseSlug: string, exerciseSlug: string, number: number, id: string): Promise<RegradeView> {
    const { version } = await this.findVersion(principal, courseSlug, exerciseSlug, number, 'readAll');
    const notFound = new NotFoundError(`regrade ${id.slice(0, 100)} of this version does not exist`, [{ field: 'id', reason: 'no such regrade' }]);
    if (!UUID.test(id)) throw notFound;
    if (!(await this.regrades.isOfVersion(id, version.id))) throw notFound;
    return this.view(id, `${courseSlug}/${exerciseSlug}`, number);
  }

  private async findVersion(principal: Principal, courseSlug: string, exerciseSlug: string, number: number, capability: CourseCapability) {
    const course = await this.access.findFor(principal, courseSlug, capability);
    const version = await this.exercises.versionBySlug(course.id, exerciseSlug, number);
    if (!version) throw new NotFoundError(`version ${number} of exercise "${exerciseSlug}" does not exist`, [{ field: 'number', reason: 'no such version' }]);
    return { course, version };
  }

  private async view(id: string, exercise: string, version: number): Promise<RegradeView> {
    const { createdAt, counts, lastFinishedAt } = await this.regrades.progress(id);
    const { pending, regraded, failed } = counts;
    const total = pending + regraded + failed;
    return {
      id,
      exercise,
      version,
      createdAt: createdAt.toISOString(),
      queued: total,
      total,
      regraded,
      failed,
      pending,
      done: pending === 0,
      finishedAt: pending === 0 ? (lastFinishedAt ?? createdAt).toISOString() : null,
    };
  }
}
