import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Principal } from '../auth/principal';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../common/errors/domain-errors';
import { CoursesService } from '../courses/courses.service';
import { PrismaService } from '../database/prisma.service';
import { ExercisesService } from '../exercises/exercises.service';
import { Prisma } from '../generated/prisma/client';
import { GradingQueueService } from '../grading/grading-queue.service';
import type { CreateSubmissionDto } from './dto/create-submission.dto';
import { checkSubmissionFiles } from './submission-files';
import { toSubmissionView, type SubmissionView } from './submission-view';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{1,200}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CreatedSubmission {
  id: string;
  status: string;
  /** True when an earlier request with the same Idempotency-Key created it. */
  replayed: boolean;
}

@Injectable()
export class SubmissionsService {
  private readonly logger = new Logger(SubmissionsService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly exercises: ExercisesService,
    private readonly courses: CoursesService,
    private readonly gradingQueue: GradingQueueService,
  ) {}

  async create(principal: Principal, dto: CreateSubmissionDto, idempotencyKey?: string): Promise<CreatedSubmission> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw InvalidInputError.field('Idempotency-Key', 'must be 1 to 200 characters of letters, digits, "_", ".", ":" or "-"');
    }
    if (principal.role === 'lms') {
      throw new ForbiddenError('an lms key submits on behalf of a student; that route comes with student management');
    }
    const { version, spec } = await this.exercises.currentVersionFor(principal, dto.exercise);
    const files = checkSubmissionFiles(dto.files, spec.studentFiles);
    const requestHash = createHash('sha256').update(JSON.stringify([dto.exercise, files])).digest('hex');

    if (idempotencyKey) {
      const earlier = await this.findByIdempotencyKey(principal.keyId, idempotencyKey);
      if (earlier) return this.replay(earlier, requestHash);
    }
    let submission;
    try {
      submission = await this.prisma.submission.create({
        data: {
          exerciseVersionId: version.id,
          userId: principal.userId,
          apiKeyId: principal.keyId,
          idempotencyKey,
          requestHash,
          files,
          maxScore: version.maxScore,
        },
      });
    } catch (error) {
      // Two requests with one Idempotency-Key raced: the loser returns the winner's submission.
      if (idempotencyKey && error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        return this.replay((await this.findByIdempotencyKey(principal.keyId, idempotencyKey))!, requestHash);
      }
      throw error;
    }
    const enqueued = await this.gradingQueue.enqueue(submission.id, 'submitted');
    this.logger.log({ submissionId: submission.id, exercise: dto.exercise, enqueued }, 'submission accepted');
    return { id: submission.id, status: submission.status, replayed: false };
  }

  async get(principal: Principal, id: string): Promise<SubmissionView> {
    const notFound = new NotFoundError(`submission ${id} does not exist`, [{ field: 'id', reason: 'no such submission' }]);
    if (!UUID.test(id)) throw notFound;
    const submission = await this.prisma.submission.findUnique({
      where: { id },
      include: {
        results: { orderBy: { run: 'desc' }, take: 1, include: { tests: true } },
        exerciseVersion: { include: { exercise: { include: { course: true } } } },
      },
    });
    if (!submission) throw notFound;
    const { exercise } = submission.exerciseVersion;
    const staff = await this.courses.canReadAll(principal, exercise.courseId);
    if (!staff && submission.userId !== principal.userId) throw notFound;
    return toSubmissionView(submission, `${exercise.course.slug}/${exercise.slug}`, staff);
  }

  private findByIdempotencyKey(apiKeyId: string, idempotencyKey: string) {
    return this.prisma.submission.findUnique({ where: { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey } } });
  }

  private replay(earlier: { id: string; status: string; requestHash: string | null }, requestHash: string): CreatedSubmission {
    if (earlier.requestHash !== requestHash) {
      throw new ConflictError('this Idempotency-Key was already used for a different submission', [
        { field: 'Idempotency-Key', reason: 'was used before with a different body' },
      ]);
    }
    return { id: earlier.id, status: earlier.status, replayed: true };
  }
}
