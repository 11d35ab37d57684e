import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { resolve } from 'node:path';
import { fixture, TestData } from '../support/fixtures';
import { startApi } from '../support/platform';

/** Publishing a folder with several mistakes answers one 400 that names every one, and stores nothing. */
describe('publishing reports every problem of an exercise folder at once', () => {
  let app: INestApplication;
  let prisma: PrismaService;

  beforeAll(async () => {
    app = await startApi();
    prisma = app.get(PrismaService);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 400 with each problem as a field and a reason, and no version is stored', async () => {
    const data = new TestData(prisma);
    const { course, instructor } = await data.newCourseWithPeople();
    const files = { ...loadExerciseFolder(resolve(__dirname, '../fixtures/exercises/squares')).files, 'exercise.yaml': fixture('exercise-format/many-problems.yaml') };
    const response = await request(app.getHttpServer())
      .post(`/api/v1/courses/${course.slug}/exercises`)
      .set('Authorization', `Bearer ${instructor.key}`)
      .send({ slug: 'squares', files })
      .expect(400);
    expect(response.body.fields).toEqual([
      { field: 'files.exercise.yaml: tests[1].points', reason: 'must be a number (it is a string)' },
      { field: 'files.exercise.yaml: tests[2].points', reason: 'must be ≥ 0' },
      { field: 'files.exercise.yaml: tests[2].name', reason: 'tests/test_total.py has no @test named "total is rigth" (it declares "total is right", "total stays within 5 MiB")' },
      { field: 'files.exercise.yaml: tests[3].module', reason: 'tests/test_missing.py does not exist' },
      { field: 'files.exercise.yaml: tests[3].backed_by', reason: '"no-such-check" is not the id of an amplified check' },
    ]);
    expect(response.body.message.split('\n')).toHaveLength(6);
    expect(await prisma.exercise.count({ where: { courseId: course.id } })).toBe(0);
  });
});
