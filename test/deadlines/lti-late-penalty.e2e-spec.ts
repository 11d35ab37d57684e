import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { waitForGraded, waitUntil } from '../support/integrations';
import { startWorker } from '../support/platform';
import { CookieBrowser, keyOfLaunch, launch, registerManually, startListeningApi } from '../lti/lti-kit';
import { PlatformEmulator, ROLE } from '../lti/platform-emulator';

const LTI_ENV = { LTI_SCORE_RETRY_DELAY_MS: '300', LTI_SCORE_ATTEMPTS: '15', LTI_SCORE_SWEEP_SECONDS: '2' };
const GOOD = 'def total(n):\n    return n\n';
const DAY = 24 * 60 * 60 * 1000;

/**
 * The score an LMS gets follows the late policy: a learner launched from the emulated platform
 * submits 1.5 days after the due date under "25 % per started day" → 2 days, 50 % off: the platform
 * receives 0.5 of 1, with the lateness in the comment. An extension given afterwards makes that
 * submission on time, and the sweeper posts the full score without a new submission.
 */
describe('LTI: the score posted to the platform has the late penalty taken off', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let tool: string;
  let prisma: PrismaService;
  let data: TestData;
  let admin: string;
  let course: { id: string; slug: string };
  let exerciseSlug: string;
  let platform: PlatformEmulator;
  let lineItem: string;

  const http = () => request(app.getHttpServer());
  const submit = async (key: string) =>
    (
      await http()
        .post('/api/v1/submissions')
        .set('Authorization', `Bearer ${key}`)
        .send({ exercise: `${course.slug}/${exerciseSlug}`, files: { 'solution.py': GOOD } })
        .expect(202)
    ).body.id as string;
  const accepted = (sub: string) => platform.acceptedScores(lineItem).filter((s) => s.userId === sub);

  beforeAll(async () => {
    ({ app, url: tool } = await startListeningApi(LTI_ENV));
    worker = await startWorker({ ...LTI_ENV, PUBLISH_CATALOG: 'false' });
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    course = await data.newCourse();
    exerciseSlug = (await data.newExercise(course.id)).slug;
    admin = (await data.newUser('admin')).key;
    platform = await new PlatformEmulator().start();
    await registerManually(tool, admin, platform, course.slug);
    lineItem = platform.createLineItem('course-1', { label: 'A program that runs', scoreMaximum: 1 }).id;
    await http()
      .put(`/api/v1/courses/${course.slug}/exercises/${exerciseSlug}/deadline`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ dueAt: new Date(Date.now() - 1.5 * DAY).toISOString(), latePolicy: 'penalty', penaltyPercentPerDay: 25 })
      .expect(200);
  });

  afterAll(async () => {
    await platform?.close();
    await worker?.close();
    await app?.close();
  });

  it('posts 0.5 of 1 for a full-marks submission 2 started days late, and the full score once an extension covers it', async () => {
    const { response } = await launch(
      new CookieBrowser(),
      platform.initiateLogin({
        person: { sub: 'late-lee', name: 'Lee Late', roles: [ROLE.learner] },
        resourceLinkId: 'link-late',
        lineItemId: lineItem,
        custom: { memgrade_exercise: `${course.slug}/${exerciseSlug}` },
      }),
    );
    const key = keyOfLaunch(response);
    const first = await submit(key);
    expect(await waitForGraded(app, key, first)).toMatchObject({ score: 1, lateness: { late: true, daysLate: 2, penaltyPercent: 50, countedScore: 0.5 } });
    const [late] = await waitUntil(
      async () => accepted('late-lee'),
      (s) => s.length === 1,
      60_000,
      'the late score',
    );
    expect(late).toMatchObject({ userId: 'late-lee', scoreGiven: 0.5, scoreMaximum: 1, gradingProgress: 'FullyGraded' });
    expect(late.comment).toContain('late by 2 days: 50% off, 0.50 counts');

    const { userId } = await prisma.ltiUser.findFirstOrThrow({ where: { sub: 'late-lee', platform: { courseId: course.id } } });
    await http()
      .put(`/api/v1/courses/${course.slug}/exercises/${exerciseSlug}/extensions/${userId}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ dueAt: new Date(Date.now() + DAY).toISOString() })
      .expect(200);
    // No new submission: the sweeper sees the extension and posts the same run at its full score.
    const scores = await waitUntil(
      async () => accepted('late-lee'),
      (s) => s.length === 2,
      60_000,
      'the score after the extension',
    );
    expect(scores[1]).toMatchObject({ scoreGiven: 1, scoreMaximum: 1 });
    expect(scores[1].comment).not.toContain('late by');
    expect(Date.parse(String(scores[1].timestamp))).toBeGreaterThan(Date.parse(String(late.timestamp)));
    // And then nothing more: the grade that counts has not changed.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(accepted('late-lee')).toHaveLength(2);
  });
});
