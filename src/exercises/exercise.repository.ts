import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Course } from '../generated/prisma/client';
import type { CourseRole, ValidationStatus } from '../generated/prisma/enums';

/** What a new submission is checked against: the course, the caller's roster role there, the exercise's current version. */
export interface SubmitTarget {
  course: Course;
  rosterRole: CourseRole | null;
  version: { id: string; exerciseId: string; status: ValidationStatus; maxScore: number; spec: unknown } | null;
}

interface SubmitTargetRow {
  id: string;
  slug: string;
  title: string;
  gradebookPolicy: string;
  createdAt: Date;
  rosterRole: CourseRole | null;
  versionId: string | null;
  exerciseId: string | null;
  status: ValidationStatus | null;
  maxScore: number | null;
  spec: unknown;
}

/** The queries of exercises as the API reads them: a course's exercises, their versions, the current one. */
@Injectable()
export class ExerciseRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The course's exercises whose current version is valid, by slug, with that version. */
  published(courseId: string) {
    return this.prisma.exercise.findMany({ where: { courseId, currentVersion: { status: 'valid' } }, include: { currentVersion: true }, orderBy: { slug: 'asc' } });
  }

  /**
   * The exercise with every version, newest first, in one snapshot: the current version and the
   * versions' statuses change together (a validation stores both in one transaction), and two reads
   * apart could show a valid newest version that is not current yet.
   */
  withVersions(courseId: string, slug: string) {
    return this.prisma.$transaction(
      (tx) => tx.exercise.findUnique({ where: { courseId_slug: { courseId, slug } }, include: { versions: { orderBy: { number: 'desc' } } } }),
      { isolationLevel: 'RepeatableRead' },
    );
  }

  /**
   * A POST's reads in one statement (each is one more with Prisma): the course by its slug, the
   * user's role on its roster, and the current version of its exercise `exerciseSlug` (without its
   * files); null when there is no such course.
   */
  async submitTarget(courseSlug: string, exerciseSlug: string, userId: string): Promise<SubmitTarget | null> {
    const [row] = await this.prisma.$queryRaw<SubmitTargetRow[]>`
      SELECT c.id, c.slug, c.title, c.gradebook_policy AS "gradebookPolicy", c.created_at AS "createdAt", en.role::text AS "rosterRole",
             v.id AS "versionId", v.exercise_id AS "exerciseId", v.status::text AS status, v.max_score AS "maxScore", v.spec
        FROM courses c
        LEFT JOIN enrolments en ON en.course_id = c.id AND en.user_id = ${userId}::uuid
        LEFT JOIN exercises e ON e.course_id = c.id AND e.slug = ${exerciseSlug}
        LEFT JOIN exercise_versions v ON v.id = e.current_version_id
       WHERE c.slug = ${courseSlug}`;
    if (!row) return null;
    const { rosterRole, versionId, exerciseId, status, maxScore, spec, ...course } = row;
    return { course, rosterRole, version: versionId ? { id: versionId, exerciseId: exerciseId!, status: status!, maxScore: maxScore!, spec } : null };
  }

  /** The exercise with its current version (files included). */
  withCurrentVersion(courseId: string, slug: string) {
    return this.prisma.exercise.findUnique({ where: { courseId_slug: { courseId, slug } }, include: { currentVersion: true } });
  }

  find(courseId: string, slug: string) {
    return this.prisma.exercise.findUnique({ where: { courseId_slug: { courseId, slug } } });
  }

  /** Version `number` of the exercise. */
  version(exerciseId: string, number: number) {
    return this.prisma.exerciseVersion.findUnique({ where: { exerciseId_number: { exerciseId, number } } });
  }

  /** Version `number` of the course's exercise `slug`; null when either does not exist. */
  versionBySlug(courseId: string, slug: string, number: number) {
    return this.prisma.exerciseVersion.findFirst({ where: { number, exercise: { courseId, slug } } });
  }

  /** Makes the version current, the exercise's title following it. */
  async makeCurrent(exerciseId: string, versionId: string, title: string): Promise<void> {
    await this.prisma.exercise.update({ where: { id: exerciseId }, data: { currentVersionId: versionId, title } });
  }

  /**
   * The course `slug`, made (titled `title`) when it does not exist yet: the course the shipped
   * catalog publishes into. Here rather than in courses/, which exercises/ does not import.
   */
  ensureCourse(course: { slug: string; title: string }) {
    return this.prisma.course.upsert({ where: { slug: course.slug }, create: course, update: {} });
  }

  /** The course's exercise `slug`, made (titled `title`) when it does not exist yet. */
  ensure(courseId: string, slug: string, title: string) {
    return this.prisma.exercise.upsert({ where: { courseId_slug: { courseId, slug } }, create: { courseId, slug, title }, update: {} });
  }

  /** The exercise's version with this content, if it was published before. */
  versionWithContent(exerciseId: string, contentHash: string) {
    return this.prisma.exerciseVersion.findUnique({ where: { exerciseId_contentHash: { exerciseId, contentHash } } });
  }

  /** The number of the exercise's newest version, or 0 for none. */
  async lastVersionNumber(exerciseId: string): Promise<number> {
    const last = await this.prisma.exerciseVersion.findFirst({ where: { exerciseId }, orderBy: { number: 'desc' }, select: { number: true } });
    return last?.number ?? 0;
  }

  /** A new version (pending validation); a unique violation when its number or content was taken meanwhile. */
  createVersion(data: { exerciseId: string; number: number; contentHash: string; spec: object; files: Record<string, string>; maxScore: number }) {
    return this.prisma.exerciseVersion.create({ data });
  }
}
