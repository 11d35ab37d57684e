import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { QueuePositionService } from '../backpressure/queue-position.service';
import type { QueuePlace } from '../backpressure/queue-estimate';
import { SubmissionBackpressureService } from '../backpressure/submission-backpressure.service';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { may, refusal } from '../access/course-capabilities';
import { CoursesService } from '../courses/courses.service';
import type { EffectivePolicy } from '../deadlines/deadline-policy';
import { DeadlinesService } from '../deadlines/deadlines.service';
import type { SubmissionLatenessView } from '../deadlines/dto/deadline-views.dto';
import { isUniqueViolation } from '../database/prisma-errors';
import { ExercisesService } from '../exercises/exercises.service';
import type { Prisma } from '../generated/prisma/client';
import type { SubmissionStatus, Verdict } from '../generated/prisma/enums';
import { GradingQueueService } from '../queue/grading-queue.service';
import { gradingJobId } from '../queue/queues';
import { severitiesAtLeast, type FlagSeverity } from '../results/flag-summary';
import { decodeCursor, encodeCursor } from './cursor';
import { diffFiles, type FileDiff } from './line-diff';
import type { CreateSubmissionDto } from './dto/create-submission.dto';
import type { ListSubmissionsDto } from './dto/list-submissions.dto';
import { checkSubmissionFiles } from './submission-files';
import { toSubmissionView, type SubmissionView } from './submission-view';
import { SubmissionRepository, type SubmissionWithCourse, type SubmissionWithLatestResult } from './submission.repository';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,200}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFoundError = (id: string) => new NotFoundError(`submission ${id} does not exist`, [{ field: 'id', reason: 'no such submission' }]);

export interface CreatedSubmission {
  id: string;
  status: string;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
  /** The caller's older queued submissions of the exercise that this one replaced (SUBMISSION_MAX_QUEUED_PER_EXERCISE). */
  replaced?: string[];
}

/** GET /submissions/{id}: the view, whether it was late, and while queued where it stands. */
export type SubmissionDetail = SubmissionView & { lateness: SubmissionLatenessView; queue?: QueuePlace };

export interface SubmissionSummary {
  id: string;
  exercise: string;
  studentId: string;
  status: SubmissionStatus;
  verdict: Verdict | null;
  score: number | null;
  maxScore: number;
  createdAt: string;
  /** Only for rows the caller reads as course staff: the highest flag severity of the latest run, or null. */
  flagSeverity?: FlagSeverity | null;
}

/** A submission's files, and what changed since the student's previous submission of the exercise. */
export interface SubmissionCodeView {
  id: string;
  exercise: string;
  studentId: string;
  createdAt: string;
  files: Record<string, string>;
  previous: { id: string; createdAt: string } | null;
  /** Per file, from the previous submission to this one; null for the first submission. */
  diff: FileDiff[] | null;
}

@Injectable()
export class SubmissionsService {
  private readonly logger = new Logger(SubmissionsService.name);

  constructor(
    private readonly submissions: SubmissionRepository,
    private readonly exercises: ExercisesService,
    private readonly courses: CoursesService,
    private readonly access: AccessPolicy,
    private readonly gradingQueue: GradingQueueService,
    private readonly backpressure: SubmissionBackpressureService,
    private readonly queuePosition: QueuePositionService,
    private readonly deadlines: DeadlinesService,
  ) {}

  async create(principal: Principal, dto: CreateSubmissionDto, idempotencyKey?: string): Promise<CreatedSubmission> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw InvalidInputError.field('Idempotency-Key', 'must be 1 to 200 characters of letters, digits, "_", ".", ":" or "-"');
    }
    if (principal.role === 'lms' && !dto.student) throw InvalidInputError.field('student', 'is required for lms keys: the external id of the student');
    if (principal.role !== 'lms' && dto.student) throw InvalidInputError.field('student', 'may only be given by lms keys');
    const { course, version, spec } = await this.exercises.versionToSubmitTo(principal, dto.exercise);
    const userId = dto.student ? await this.courses.lmsStudentId(course, dto.student) : principal.userId;
    const files = checkSubmissionFiles(dto.files, spec.studentFiles);
    const requestHash = createHash('sha256')
      .update(JSON.stringify([dto.exercise, userId, files]))
      .digest('hex');

    if (idempotencyKey) {
      const earlier = await this.submissions.findByIdempotencyKey(principal.keyId, idempotencyKey);
      if (earlier) return this.replay(earlier, requestHash);
    }
    let submission;
    // The id is made here so that the row is stored with its job id: one write, not an insert and an update.
    const id = randomUUID();
    try {
      // "Late" is judged by when the API accepted it (createdAt), in the same transaction as the
      // deadline and attempt-limit check (deadlines/), which may refuse it.
      const acceptedAt = new Date();
      submission = await this.submissions.createAdmitted(
        {
          id,
          exerciseVersionId: version.id,
          userId,
          apiKeyId: principal.keyId,
          idempotencyKey,
          requestHash,
          files,
          maxScore: version.maxScore,
          jobId: gradingJobId(id),
          createdAt: acceptedAt,
        },
        (tx) => this.deadlines.admitOrRefuse(tx, course.id, version.exerciseId, userId, acceptedAt),
      );
    } catch (error) {
      // Two requests with one Idempotency-Key raced: the loser returns the winner's submission.
      if (idempotencyKey && isUniqueViolation(error)) {
        return this.replay((await this.submissions.findByIdempotencyKey(principal.keyId, idempotencyKey))!, requestHash);
      }
      throw error;
    }
    // Back-pressure (backpressure/): resubmissions queue behind first tries; only the newest few wait.
    const { priority, queued } = await this.backpressure.priorityAndQueued(userId, version.exerciseId, submission);
    const enqueued = await this.gradingQueue.enqueueNew(submission.id, priority);
    const replaced = await this.backpressure.replaceOlderQueued(userId, version.exerciseId, submission.id, queued);
    this.logger.log({ submissionId: submission.id, exercise: dto.exercise, enqueued, priority }, 'submission accepted');
    return { id: submission.id, status: submission.status, replayed: false, ...(replaced.length ? { replaced } : {}) };
  }

  /**
   * The caller's view of a submission. `opened`: the same submission as a status stream read it when
   * it opened (submission-stream.service.ts): its user, version and course never change, so the
   * row with its latest run, the version with its course, the access check and the deadline policy
   * are read side by side, everything as fresh as on a first read.
   */
  async get(principal: Principal, id: string, opened?: SubmissionWithCourse): Promise<SubmissionDetail> {
    const { submission, staff, policy } = opened ? await this.reread(principal, opened) : await this.readWithPolicy(principal, id);
    const lateness = this.deadlines.latenessOfSubmission(policy, submission.createdAt, submission.status === 'graded' ? submission.score : null);
    const { exercise } = submission.exerciseVersion;
    const view = { ...toSubmissionView(submission, `${exercise.course.slug}/${exercise.slug}`, staff, { withOutput: true }), lateness };
    // A queued submission says where it stands in the queue and how long it may wait (backpressure/).
    if (submission.status === 'queued') return { ...view, queue: await this.queuePosition.placeOf(submission.jobId) };
    return view;
  }

  /** The submitted files with a diff to the same student's previous submission of the exercise (owner, staff). */
  async code(principal: Principal, id: string): Promise<SubmissionCodeView> {
    const { submission } = await this.findReadable(principal, id);
    const { exercise } = submission.exerciseVersion;
    const previous = await this.submissions.previousOf({ ...submission, exerciseId: exercise.id });
    const files = submission.files as Record<string, string>;
    return {
      id: submission.id,
      exercise: `${exercise.course.slug}/${exercise.slug}`,
      studentId: submission.userId,
      createdAt: submission.createdAt.toISOString(),
      files,
      previous: previous ? { id: previous.id, createdAt: previous.createdAt.toISOString() } : null,
      diff: previous ? diffFiles(previous.files as Record<string, string>, files) : null,
    };
  }

  /** Submissions the caller may read, newest first, a page at a time. */
  async list(principal: Principal, query: ListSubmissionsDto): Promise<{ items: SubmissionSummary[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const where: Prisma.SubmissionWhereInput = {};
    if (query.status) where.status = query.status;
    if (query.exercise && !query.course) throw InvalidInputError.field('exercise', 'needs course as well');
    if (query.course) {
      const course = await this.access.findVisible(principal, query.course);
      where.exerciseVersion = { exercise: { courseId: course.id, ...(query.exercise ? { slug: query.exercise } : {}) } };
      if (!(await this.access.canReadAll(principal, course.id))) where.userId = principal.userId;
    } else if (principal.role === 'lms') {
      where.exerciseVersion = { exercise: { courseId: principal.courseId! } };
    }
    // An lms key reads only the submissions of students on its course's roster now.
    if (principal.role === 'lms') where.user = { enrolments: { some: { courseId: principal.courseId! } } };
    else if (principal.role !== 'admin') {
      // Own submissions, plus every submission of the courses one reads as staff (instructors, TAs).
      where.OR = [{ userId: principal.userId }, { exerciseVersion: { exercise: { course: this.access.staffCoursesWhere(principal) } } }];
    }
    if (query.flagged !== undefined || query.flagSeverity) await this.restrictToFlags(principal, query, where);
    if (query.student) {
      if (where.userId && where.userId !== query.student) throw new ForbiddenError('students may only list their own submissions');
      where.userId = query.student;
    }
    if (query.cursor) {
      const { createdAt, id } = decodeCursor(query.cursor);
      where.AND = [{ OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] }];
    }
    const rows = await this.submissions.newestFirst(where, limit + 1);
    const page = rows.slice(0, limit);
    const staffOf = await this.access.staffCourseIds(principal);
    const readsAsStaff = (courseId: string) => staffOf === 'all' || staffOf.has(courseId);
    return {
      items: page.map((s) => ({
        id: s.id,
        exercise: `${s.exerciseVersion.exercise.course.slug}/${s.exerciseVersion.exercise.slug}`,
        studentId: s.userId,
        status: s.status,
        verdict: s.verdict,
        score: s.score,
        maxScore: s.maxScore,
        createdAt: s.createdAt.toISOString(),
        ...(readsAsStaff(s.exerciseVersion.exercise.courseId) ? { flagSeverity: s.flagSeverity } : {}),
      })),
      nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]) : null,
    };
  }

  /**
   * `flagged` / `flagSeverity` filters: for course staff only (students never learn which of their
   * submissions were flagged), so the listing narrows to the courses the caller reads as staff.
   */
  private async restrictToFlags(principal: Principal, query: ListSubmissionsDto, where: Prisma.SubmissionWhereInput): Promise<void> {
    const field = query.flagSeverity ? 'flagSeverity' : 'flagged';
    if (query.flagged === false && query.flagSeverity) throw InvalidInputError.field('flagSeverity', 'cannot be combined with flagged=false');
    // Staff of at least one course (a student-level user may be a course's TA); anyone else learns nothing from a filter.
    const staffOf = await this.access.staffCourseIds(principal);
    if (staffOf !== 'all' && !staffOf.size) throw new ForbiddenError(`${field} is a filter for course staff`, [{ field, reason: 'is for course staff only' }]);
    if (query.course) {
      if (where.userId) throw new ForbiddenError(`${field} is a filter for the staff of course "${query.course}"`, [{ field, reason: 'is for course staff only' }]);
    } else {
      delete where.OR;
      where.exerciseVersion = { exercise: { course: this.access.staffCoursesWhere(principal) } };
    }
    where.flagSeverity = query.flagSeverity ? { in: severitiesAtLeast(query.flagSeverity) } : query.flagged ? { not: null } : null;
  }

  /** Grades one submission again, against the exercise version it was submitted to (course staff). */
  async regrade(principal: Principal, id: string): Promise<{ id: string; status: 'queued' }> {
    const { submission } = await this.findReadable(principal, id);
    const { course } = submission.exerciseVersion.exercise;
    const actor = await this.access.actorIn(principal, course.id);
    if (!may(actor, 'regrade')) throw new ForbiddenError(actor ? refusal(actor, 'regrade', course.slug) : 'only course staff may regrade');
    if (submission.status === 'queued' || submission.status === 'running') {
      throw new ConflictError('the submission is being graded already; regrade it once it is finished', [{ field: 'id', reason: `is ${submission.status}` }]);
    }
    await this.gradingQueue.requeue(id, 'regrade');
    return { id, status: 'queued' };
  }

  /** A first read: the submission, then its deadline policy side by side with the access check. */
  private async readWithPolicy(principal: Principal, id: string): Promise<{ submission: SubmissionWithLatestResult; staff: boolean; policy: EffectivePolicy }> {
    let policy: Promise<EffectivePolicy> | undefined;
    const { submission, staff } = await this.findReadable(principal, id, async (readable) => {
      const loaded = await this.submissions.getWithLatestResult(readable);
      if (loaded) {
        policy = this.deadlines.policyOfSubmission(loaded);
        policy.catch(() => undefined); // awaited below; not unhandled when the access check throws first
      }
      return loaded;
    });
    return { submission, staff, policy: await policy! };
  }

  /** A read of a submission read before (`opened`): its three reads side by side (see get). */
  private async reread(principal: Principal, opened: SubmissionWithCourse): Promise<{ submission: SubmissionWithLatestResult; staff: boolean; policy: EffectivePolicy }> {
    const [submission, staff, policy] = await Promise.all([
      this.submissions.getWithLatestResult(opened.id),
      this.mayRead(principal, opened),
      this.deadlines.policyOfSubmission(opened),
    ]);
    if (!submission) throw notFoundError(opened.id);
    return { submission, staff, policy };
  }

  /**
   * The submission and whether the caller sees it as staff; 404 for what is not theirs to see.
   * `load` reads it (by default with its course; a caller that shows more loads more in the same query).
   */
  async findReadable<S extends SubmissionWithCourse = SubmissionWithCourse>(
    principal: Principal,
    id: string,
    load: (id: string) => Promise<S | null> = (readable) => this.submissions.getWithCourse(readable) as Promise<S | null>,
  ): Promise<{ submission: S; staff: boolean }> {
    if (!UUID.test(id)) throw notFoundError(id);
    const submission = await load(id);
    if (!submission) throw notFoundError(id);
    return { submission, staff: await this.mayRead(principal, submission) };
  }

  /** Whether the caller reads the submission as staff; a NotFoundError when it is not theirs to see. */
  private async mayRead(principal: Principal, submission: SubmissionWithCourse): Promise<boolean> {
    const staff = await this.access.canReadAll(principal, submission.exerciseVersion.exercise.courseId);
    if (!staff && submission.userId !== principal.userId) throw notFoundError(submission.id);
    // An lms key acts on behalf of the course's students: not for one who left the roster.
    if (principal.role === 'lms' && !(await this.access.isEnrolled(submission.userId, submission.exerciseVersion.exercise.courseId))) throw notFoundError(submission.id);
    return staff;
  }

  private replay(earlier: { id: string; status: string; requestHash: string | null }, requestHash: string): CreatedSubmission {
    if (earlier.requestHash !== requestHash) {
      throw new ConflictError('this Idempotency-Key was already used for a different submission', [{ field: 'Idempotency-Key', reason: 'was used before with a different body' }]);
    }
    return { id: earlier.id, status: earlier.status, replayed: true };
  }
}
