import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { ExercisePublishingService, type PublishedVersion } from './exercise-publishing.service';
import { ExerciseRepository } from './exercise.repository';
import { ExerciseFormatError } from './format/exercise-format';
import { loadExerciseFolder } from './format/exercise-folder';

/** The shipped catalog (exercises/ at the top of the repository) and the course it is published as. */
export const CATALOG_DIR = resolve(__dirname, '../../exercises');
export const CATALOG_COURSE = { slug: 'python-memory', title: 'Memory management in Python' };

export interface CatalogReport {
  published: PublishedVersion[];
  failed: { folder: string; problems: string }[];
}

/**
 * Publishes every folder of the catalog into course python-memory. Done at every API start:
 * unchanged folders are recognised by their content hash and cost nothing; a changed one becomes
 * a new version, validated by a worker before it replaces the current one.
 */
@Injectable()
export class CatalogService {
  private readonly logger = new Logger(CatalogService.name);

  constructor(
    private readonly exercises: ExerciseRepository,
    private readonly publishing: ExercisePublishingService,
  ) {}

  async publishCatalog(dir = CATALOG_DIR): Promise<CatalogReport> {
    const course = await this.exercises.ensureCourse(CATALOG_COURSE);
    const report: CatalogReport = { published: [], failed: [] };
    const folders = existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort()
      : [];
    for (const folder of folders) {
      try {
        report.published.push(await this.publishing.publish(course, loadExerciseFolder(join(dir, folder))));
      } catch (error) {
        if (!(error instanceof ExerciseFormatError)) throw error;
        report.failed.push({ folder, problems: error.message });
        this.logger.error(`catalog exercise ${folder} is not valid:\n${error.message}`);
      }
    }
    const created = report.published.filter((p) => p.created).length;
    this.logger.log({ course: course.slug, exercises: report.published.length, newVersions: created, invalid: report.failed.length }, 'catalog published');
    return report;
  }
}
