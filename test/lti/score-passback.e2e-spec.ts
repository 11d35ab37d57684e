import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { LtiScoresService } from '../../src/lti/lti-scores.service';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { testRedisUrl } from '../setup/test-env';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded, waitUntil } from '../support/integrations';
import { startWorker } from '../support/platform';
import { CookieBrowser, keyOfLaunch, launch, registerManually, startListeningApi } from './lti-kit';
import { PlatformEmulator, ROLE } from './platform-emulator';

const LTI_ENV = { LTI_SCORE_RETRY_DELAY_MS: '300', LTI_SCORE_ATTEMPTS: '15', LTI_SCORE_SWEEP_SECONDS: '2' };
const GOOD = 'def total(n):\n    return n\n';
const BAD = fixture('submissions/raises-at-import.py');

describe('LTI 1.3 AGS: graded submissions of launched learners reach the line item', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let tool: string;
  let prisma: PrismaService;
  let data: TestData;
  let admin: string;
  let course: { id: string; slug: string };
  let exercise: string;
  let platform: PlatformEmulator;
  let lineItem: string;

  const http = () => request(app.getHttpServer());
  const submit = async (key: string, source: string) =>
    (
      await http()
        .post('/api/v1/submissions')
        .set('Authorization', `Bearer ${key}`)
        .send({ exercise, files: { 'solution.py': source } })
        .expect(202)
    ).body.id as string;
  const learnerLaunch = async (sub: string) => {
    const { response } = await launch(
      new CookieBrowser(),
      platform.initiateLogin({
        person: { sub, name: `Learner ${sub}`, roles: [ROLE.learner] },
        resourceLinkId: 'link-scores',
        lineItemId: lineItem,
        custom: { memgrade_exercise: exercise },
      }),
    );
    return keyOfLaunch(response);
  };
  const accepted = (sub: string) => platform.acceptedScores(lineItem).filter((s) => s.userId === sub);

  beforeAll(async () => {
    ({ app, url: tool } = await startListeningApi(LTI_ENV));
    worker = await startWorker({ ...LTI_ENV, PUBLISH_CATALOG: 'false' });
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    course = await data.newCourse();
    const made = await data.newExercise(course.id);
    exercise = `${course.slug}/${made.slug}`;
    admin = (await data.newUser('admin')).key;
    platform = await new PlatformEmulator().start();
    await registerManually(tool, admin, platform, course.slug);
    lineItem = platform.createLineItem('course-1', { label: 'A program that runs', scoreMaximum: 1 }).id;
  });

  afterAll(async () => {
    await platform?.close();
    await worker?.close();
    await app?.close();
  });

  it('posts each graded submission as an AGS score with a client-credentials token obtained by a signed assertion', async () => {
    const key = await learnerLaunch('ada');
    const first = await submit(key, BAD);
    expect((await waitForGraded(app, key, first)).score).toBe(0);
    await waitUntil(
      async () => accepted('ada'),
      (s) => s.length === 1,
      60_000,
      'first score',
    );
    const second = await submit(key, GOOD);
    expect((await waitForGraded(app, key, second)).score).toBe(1);
    const scores = await waitUntil(
      async () => accepted('ada'),
      (s) => s.length === 2,
      60_000,
      'second score',
    );
    expect(scores[0]).toMatchObject({ userId: 'ada', scoreGiven: 0, scoreMaximum: 1, activityProgress: 'Completed', gradingProgress: 'FullyGraded' });
    expect(scores[1]).toEqual({
      userId: 'ada',
      scoreGiven: 1,
      scoreMaximum: 1,
      activityProgress: 'Completed',
      gradingProgress: 'FullyGraded',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      comment: expect.stringContaining('✓ solution.py imports without an error: 1/1'),
    });
    expect(Date.parse(String(scores[1].timestamp))).toBeGreaterThan(Date.parse(String(scores[0].timestamp)));
    expect(platform.scores.every((s) => s.contentType === 'application/vnd.ims.lis.v1.score+json')).toBe(true);
    expect(platform.tokenRequests.filter((t) => t.ok)[0]).toMatchObject({ scopes: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'] });
    expect(platform.tokenRequests.filter((t) => !t.ok)).toEqual([]);
  });

  it('keeps the best score under the course rule "best" (a worse submission posts nothing), then follows "latest"', async () => {
    const key = await learnerLaunch('ada');
    const worse = await submit(key, BAD);
    await waitForGraded(app, key, worse);
    // Longer than a sweep, and the event has long been handled: no new score.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(accepted('ada').map((s) => s.scoreGiven)).toEqual([0, 1]);
    await prisma.course.update({ where: { id: course.id }, data: { gradebookPolicy: 'latest' } });
    const latest = await submit(key, BAD);
    await waitForGraded(app, key, latest);
    await waitUntil(
      async () => accepted('ada'),
      (s) => s.length === 3,
      60_000,
      'latest score',
    );
    expect(accepted('ada').map((s) => s.scoreGiven)).toEqual([0, 1, 0]);
    await prisma.course.update({ where: { id: course.id }, data: { gradebookPolicy: 'best' } });
  });

  it('posts again after a regrade', async () => {
    const key = await learnerLaunch('grace');
    const id = await submit(key, GOOD);
    await waitForGraded(app, key, id);
    await waitUntil(
      async () => accepted('grace'),
      (s) => s.length === 1,
      60_000,
      'score before the regrade',
    );
    await http().post(`/api/v1/submissions/${id}/regrade`).set('Authorization', `Bearer ${admin}`).expect(202);
    await waitUntil(
      async () => accepted('grace'),
      (s) => s.length === 2,
      90_000,
      'score after the regrade',
    );
    const [before, after] = accepted('grace');
    expect(after).toMatchObject({ scoreGiven: 1, scoreMaximum: 1 });
    expect(Date.parse(String(after.timestamp))).toBeGreaterThan(Date.parse(String(before.timestamp)));
  });

  it('posts the stored score, never a lower one, while the counting submission is being regraded', async () => {
    const key = await learnerLaunch('hal');
    const good = await submit(key, GOOD);
    await waitForGraded(app, key, good);
    await waitUntil(
      async () => accepted('hal'),
      (s) => s.length === 1,
      60_000,
      'score before the regrade',
    );
    // The regrade's job waits (queue paused) while a worse submission of Hal's is graded and its score post runs.
    const queue = new Queue(GRADING_QUEUE, { connection: { url: testRedisUrl() }, prefix: 'memgrade' });
    await queue.pause();
    try {
      await http().post(`/api/v1/submissions/${good}/regrade`).set('Authorization', `Bearer ${admin}`).expect(202);
      const stored = await prisma.submission.findUniqueOrThrow({ where: { id: good } });
      expect(stored).toMatchObject({ status: 'queued', score: 1 });
      await prisma.submission.create({
        data: {
          exerciseVersionId: stored.exerciseVersionId,
          userId: stored.userId,
          files: { 'solution.py': BAD },
          status: 'graded',
          verdict: 'import_error',
          score: 0,
          maxScore: 1,
          results: { create: { run: 1, verdict: 'import_error', score: 0, maxScore: 1 } },
        },
      });
      const linkUser = await prisma.ltiResourceLinkUser.findFirstOrThrow({ where: { ltiUser: { userId: stored.userId } } });
      expect(await worker.get(LtiScoresService).post(linkUser.id)).toBe('unchanged');
      expect(accepted('hal').map((s) => s.scoreGiven)).toEqual([1]);
    } finally {
      await queue.resume();
      await queue.close();
    }
    await waitUntil(
      async () => accepted('hal'),
      (s) => s.length === 2,
      90_000,
      'score after the regrade',
    );
    expect(accepted('hal').map((s) => s.scoreGiven)).toEqual([1, 1]);
  });

  it('loses nothing while the score endpoint is down, and then every score arrives once, in order', async () => {
    platform.scoresDown = true;
    const people = ['p1', 'p2', 'p3'];
    const keys = await Promise.all(people.map((sub) => learnerLaunch(sub)));
    const ids = await Promise.all(keys.map((key, i) => submit(key, i === 1 ? BAD : GOOD)));
    for (const [i, id] of ids.entries()) await waitForGraded(app, keys[i], id);
    await waitUntil(
      async () => new Set(platform.scores.filter((s) => s.status === 503 && people.includes(String(s.score.userId))).map((s) => s.score.userId)).size,
      (n) => n === 3,
      60_000,
      'refused attempts of all three',
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(people.flatMap((sub) => accepted(sub))).toEqual([]);
    platform.scoresDown = false;
    await waitUntil(
      async () => people.map((sub) => accepted(sub).length),
      (counts) => counts.every((n) => n === 1),
      90_000,
      'one score each',
    );
    // A few more sweeps: still exactly one each, with the right score.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(people.map((sub) => accepted(sub).map((s) => s.scoreGiven))).toEqual([[1], [0], [1]]);
    // Never out of order: the platform refused no score for an older timestamp.
    expect(platform.scores.filter((s) => s.status === 409)).toEqual([]);
    const rows = await prisma.ltiResourceLinkUser.findMany({ where: { ltiUser: { sub: { in: people }, platform: { courseId: course.id } } } });
    expect(rows.map((r) => r.posts)).toEqual([1, 1, 1]);
  });
});
