import { Injectable, Logger } from '@nestjs/common';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { InvalidInputError } from '../common/errors/domain-errors';
import { isUniqueViolation } from '../database/prisma-errors';
import type { Course } from '../generated/prisma/client';
import { GradingQueueService } from '../queue/grading-queue.service';
import { ExerciseRepository } from './exercise.repository';
import { maxScoreOf } from './exercise-spec';
import { ExerciseFormatError, formatProblem, parseExercise, type ExerciseFiles, type ParsedExercise } from './format/exercise-format';
import type { ValidationStatus } from '../generated/prisma/enums';
import type { PublishedVersion } from './dto/exercise-views.dto';

export type { PublishedVersion } from './dto/exercise-views.dto';

/**
 * Publishing an exercise folder into a course: the folder is checked (format errors name the
 * file, field and reason), stored as a new immutable version identified by its content hash, and
 * validated by a worker in the sandbox before it becomes the version students get. Publishing
 * the same content again changes nothing; older submissions keep the version they were graded
 * against.
 */
@Injectable()
export class ExercisePublishingService {
  private readonly logger = new Logger(ExercisePublishingService.name);

  constructor(
    private readonly repository: ExerciseRepository,
    private readonly access: AccessPolicy,
    private readonly gradingQueue: GradingQueueService,
  ) {}

  async publishAs(principal: Principal, courseSlug: string, slug: string, files: ExerciseFiles): Promise<PublishedVersion> {
    const course = await this.access.findFor(principal, courseSlug, 'publish');
    return this.publish(course, parseOrReject(slug, files));
  }

  async publish(course: Course, parsed: ParsedExercise): Promise<PublishedVersion> {
    const exercise = await this.repository.ensure(course.id, parsed.slug, parsed.spec.title);
    const existing = await this.repository.versionWithContent(exercise.id, parsed.contentHash);
    if (existing) return view(parsed, existing, false);
    for (;;) {
      const last = await this.repository.lastVersionNumber(exercise.id);
      try {
        const version = await this.repository.createVersion({
          exerciseId: exercise.id,
          number: last + 1,
          contentHash: parsed.contentHash,
          spec: parsed.spec as object,
          files: parsed.files,
          maxScore: maxScoreOf(parsed.spec),
        });
        await this.gradingQueue.enqueueValidation(version.id);
        this.logger.log({ course: course.slug, exercise: parsed.slug, version: version.number }, 'exercise version published; validating');
        return view(parsed, version, true);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another publish of this exercise raced us: the same content is done, a number is retried.
        const same = await this.repository.versionWithContent(exercise.id, parsed.contentHash);
        if (same) return view(parsed, same, false);
      }
    }
  }
}

/** Format problems become a 400 whose fields name file and field, e.g. "exercise.yaml: tests[0].points". */
export function parseOrReject(slug: string, files: ExerciseFiles): ParsedExercise {
  try {
    return parseExercise(slug, files);
  } catch (error) {
    if (!(error instanceof ExerciseFormatError)) throw error;
    throw new InvalidInputError(
      `the exercise folder is not valid:\n${error.problems.map(formatProblem).join('\n')}`,
      error.problems.map((p) => ({ field: `files.${p.file}${p.field ? `: ${p.field}` : ''}`, reason: p.reason })),
    );
  }
}

const view = (parsed: ParsedExercise, version: { number: number; contentHash: string; status: ValidationStatus }, created: boolean): PublishedVersion => ({
  exercise: parsed.slug,
  version: version.number,
  contentHash: version.contentHash,
  status: version.status,
  created,
});
