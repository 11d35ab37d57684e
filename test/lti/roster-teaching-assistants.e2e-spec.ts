import { resolve } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { LTI_QUEUE } from '../../src/lti/lti-queue';
import { TestData } from '../support/fixtures';
import { CookieBrowser, keyOfLaunch, launch, registerManually, startListeningApi } from './lti-kit';
import { type Member, PlatformEmulator, ROLE } from './platform-emulator';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

/**
 * The LMS's teaching assistants are memgrade TAs: at launch and through every roster sync (NRPS),
 * whether the platform sends the Instructor sub-role or the plain TeachingAssistant role, and they
 * then read as staff but cannot publish.
 */
describe('LTI: teaching assistants stay TAs through launches and roster syncs', () => {
  let app: INestApplication;
  let tool: string;
  let prisma: PrismaService;
  let course: { id: string; slug: string };
  let exercise: string;
  let platform: PlatformEmulator;
  let admin: string;
  const http = () => request(app.getHttpServer());
  const instructor = { sub: 'prof-ta', name: 'Prof', roles: [ROLE.instructor] };
  const members = (): Member[] => [
    { user_id: 'prof-ta', name: 'Prof', roles: [ROLE.instructor], status: 'Active' },
    { user_id: 't-sub', name: 'Sub-role TA', roles: [ROLE.instructor, ROLE.ta], status: 'Active' },
    { user_id: 't-plain', name: 'Plain TA', roles: [`${LIS}membership#TeachingAssistant`], status: 'Active' },
    { user_id: 't-learner', name: 'Learner', roles: [ROLE.learner], status: 'Active' },
  ];
  const roles = async () =>
    (await prisma.enrolment.findMany({ where: { courseId: course.id, user: { ltiUser: { sub: { startsWith: 't-' } } } }, include: { user: { include: { ltiUser: true } } } }))
      .map((e) => `${e.user.ltiUser!.sub}:${e.role}:${e.user.role}`)
      .sort();

  beforeAll(async () => {
    ({ app, url: tool } = await startListeningApi());
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    course = await data.newCourse();
    exercise = (await data.newExercise(course.id)).slug;
    admin = (await data.newUser('admin')).key;
    platform = await new PlatformEmulator().start();
    await registerManually(tool, admin, platform, course.slug);
  });

  afterAll(async () => {
    // No worker here: the sync a launch queues is dropped; this spec syncs on demand.
    await app?.get<Queue>(getQueueToken(LTI_QUEUE)).obliterate({ force: true });
    await platform?.close();
    await app?.close();
  });

  it('enrols both kinds of LMS TA as ta (student-level users) and keeps them so on every sync', async () => {
    platform.memberships.set('course-1', members());
    await launch(new CookieBrowser(), platform.initiateLogin({ person: instructor, custom: { memgrade_exercise: `${course.slug}/${exercise}` } }));
    const synced = await http().post(`/api/v1/courses/${course.slug}/lti/roster-sync`).set('Authorization', `Bearer ${admin}`).expect(200);
    expect(synced.body).toEqual([expect.objectContaining({ members: 4, enrolled: 4, removed: 0 })]);
    const expected = ['t-learner:student:student', 't-plain:ta:student', 't-sub:ta:student'];
    expect(await roles()).toEqual(expected);
    await http().post(`/api/v1/courses/${course.slug}/lti/roster-sync`).set('Authorization', `Bearer ${admin}`).expect(200);
    expect(await roles()).toEqual(expected);
  });

  it('a TA launching keeps the ta role, reads the gradebook and may not publish or sync the roster', async () => {
    const { response } = await launch(
      new CookieBrowser(),
      platform.initiateLogin({ person: { sub: 't-sub', name: 'Sub-role TA', roles: [ROLE.instructor, ROLE.ta] }, custom: { memgrade_exercise: `${course.slug}/${exercise}` } }),
    );
    const key = keyOfLaunch(response);
    expect(await roles()).toContain('t-sub:ta:student');
    await http().get(`/api/v1/courses/${course.slug}/gradebook`).set('Authorization', `Bearer ${key}`).expect(200);
    const sync = await http().post(`/api/v1/courses/${course.slug}/lti/roster-sync`).set('Authorization', `Bearer ${key}`).expect(403);
    expect(sync.body.message).toMatch(/^a teaching assistant of course "[^"]+" may not manage the roster/);
    const files = loadExerciseFolder(resolve(__dirname, '../fixtures/exercises/imports')).files;
    const publish = await http().post(`/api/v1/courses/${course.slug}/exercises`).set('Authorization', `Bearer ${key}`).send({ slug: 'ta-publish', files }).expect(403);
    expect(publish.body.message).toMatch(/may not publish exercise versions/);
  });
});
