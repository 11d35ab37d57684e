import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

/**
 * Tampering through the whole platform (API → worker → sandbox → harness): each submission is the
 * list-building starter, which honestly earns 1 of 3 (right answer, over the memory budget), plus a
 * trick. None may earn more than that; the tricks the harness can see are flagged for instructors.
 */
describe('tampering students earn nothing they did not earn honestly', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let key: string;
  let exercise: string;

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    const data = new TestData(app.get(PrismaService));
    const course = await data.newCourse();
    const student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    exercise = `${course.slug}/${(await data.newExercise(course.id, 'squares')).slug}`;
    key = student.key;
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  async function grade(file: string) {
    const created = await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${key}`)
      .send({ exercise, files: { 'solution.py': fixture(`submissions/tamper/${file}`) } })
      .expect(202);
    const result = await waitForGraded(app, key, created.body.id);
    const stored = await app.get(PrismaService).gradingResult.findFirstOrThrow({ where: { submissionId: created.body.id } });
    return { result, flags: stored.flags as { code?: string; severity?: string }[] };
  }

  it.each([
    ['patch-refcount-and-gc.py', 1],
    ['patch-memory-tools.py', 1],
    ['fake-results-on-output.py', 1],
    ['exit-early.py', 0],
  ])('%s earns at most %d of 3', async (file, honest) => {
    const { result, flags } = await grade(file);
    expect(result.status).toBe('graded');
    expect(result.score).toBeLessThanOrEqual(honest);
    expect(result.maxScore).toBe(3);
    if (file.startsWith('patch-')) expect(flags).toEqual(expect.arrayContaining([expect.objectContaining({ severity: 'high' })]));
  });

  it('the honest starter earns exactly that baseline', async () => {
    const { result, flags } = await grade('../../exercises/squares/starter/solution.py');
    expect(result.score).toBe(1);
    expect(flags).toEqual([]);
  });
});
