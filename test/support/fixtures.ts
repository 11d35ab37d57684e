import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ApiKeyRepository } from '../../src/auth/api-key.repository';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import type { PrismaService } from '../../src/database/prisma.service';
import { maxScoreOf } from '../../src/exercises/exercise-spec';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import type { Role } from '../../src/generated/prisma/enums';

/** Reads a file under test/fixtures. */
export function fixture(path: string): string {
  return readFileSync(resolve(__dirname, '../fixtures', path), 'utf8');
}

const unique = () => randomUUID().slice(0, 8);

/** Test data helpers: each call makes fresh rows, so specs never depend on each other. */
export class TestData {
  constructor(private readonly prisma: PrismaService) {}

  async newUser(role: Role, name = `${role}-${unique()}`): Promise<{ id: string; key: string }> {
    const user = await this.prisma.user.create({ data: { role, displayName: name } });
    const { secret } = await new ApiKeysService(new ApiKeyRepository(this.prisma)).issue(user.id, `${name} key`);
    return { id: user.id, key: secret };
  }

  async newCourse(slug = `course-${unique()}`) {
    return this.prisma.course.create({ data: { slug, title: `Course ${slug}` } });
  }

  async enrol(courseId: string, userId: string, role: 'student' | 'ta' | 'instructor') {
    return this.prisma.enrolment.create({ data: { courseId, userId, role } });
  }

  /** A course with an instructor who teaches it and an enrolled student, each with a key. */
  async newCourseWithPeople() {
    const course = await this.newCourse();
    const instructor = await this.newUser('instructor');
    const student = await this.newUser('student');
    await this.enrol(course.id, instructor.id, 'instructor');
    await this.enrol(course.id, student.id, 'student');
    return { course, instructor, student };
  }

  /**
   * A published exercise whose current version is valid, from a folder under
   * test/fixtures/exercises (parsed as the platform parses every exercise), with a fresh slug.
   * The default, "imports", gives its one point to any submission that imports cleanly; add a
   * folder there for an exercise of your own, or give the absolute path of a folder elsewhere.
   */
  async newExercise(courseId: string, folder = 'imports', referenceFigures: Record<string, unknown> = {}) {
    const parsed = loadExerciseFolder(isAbsolute(folder) ? folder : resolve(__dirname, '../fixtures/exercises', folder));
    const slug = `${parsed.slug}-${unique()}`;
    const exercise = await this.prisma.exercise.create({ data: { courseId, slug, title: parsed.spec.title } });
    const version = await this.prisma.exerciseVersion.create({
      data: {
        exerciseId: exercise.id,
        number: 1,
        contentHash: parsed.contentHash,
        spec: parsed.spec as object,
        files: parsed.files,
        maxScore: maxScoreOf(parsed.spec),
        status: 'valid',
        referencePeaks: referenceFigures as object,
      },
    });
    await this.prisma.exercise.update({ where: { id: exercise.id }, data: { currentVersionId: version.id } });
    return { exercise, version, slug, files: parsed.files };
  }
}
