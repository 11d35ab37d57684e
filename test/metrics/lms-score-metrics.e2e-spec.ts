import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { LTI_QUEUE } from '../../src/lti/lti-queue';
import { TestData } from '../support/fixtures';
import { freePort, waitForGraded, waitUntil } from '../support/integrations';
import { newOwnDatabase } from '../support/own-database';
import { startWorker } from '../support/platform';
import { CookieBrowser, keyOfLaunch, launch, registerManually, startListeningApi } from '../lti/lti-kit';
import { PlatformEmulator, ROLE } from '../lti/platform-emulator';
import { sample } from './exposition';

const LTI_ENV = { LTI_SCORE_RETRY_DELAY_MS: '300', LTI_SCORE_ATTEMPTS: '15', LTI_SCORE_SWEEP_SECONDS: '2' };

/**
 * The LMS side of the worker's metrics: score posts by outcome, and queued → accepted by the platform
 * (a real LTI platform emulator over HTTP). The counters are the whole worker's, and its score sweep
 * looks at every link-person in the database, so the spec has a database and a queue of its own:
 * a person an earlier spec launched, whose platform is gone, would otherwise be posted (and fail) here.
 */
describe('worker metrics: LTI score delivery', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let platform: PlatformEmulator;
  let database: Awaited<ReturnType<typeof newOwnDatabase>>;

  afterAll(async () => {
    await platform?.close();
    await worker?.close();
    await app?.close();
    await database?.drop();
  });

  it('counts a posted score and observes its delivery lag', async () => {
    database = await newOwnDatabase('lms_metrics');
    const env = { ...LTI_ENV, DATABASE_URL: database.url };
    let tool: string;
    ({ app, url: tool } = await startListeningApi(env));
    // Score jobs an earlier spec left in this worker's Redis database (retries to a platform that is gone).
    await app.get<Queue>(getQueueToken(LTI_QUEUE)).obliterate({ force: true });
    const port = await freePort();
    worker = await startWorker({ ...env, PUBLISH_CATALOG: 'false', WORKER_METRICS_PORT: String(port), WORKER_METRICS_HOST: '127.0.0.1' });
    const data = new TestData(app.get(PrismaService));
    const course = await data.newCourse();
    const exercise = `${course.slug}/${(await data.newExercise(course.id)).slug}`;
    const admin = (await data.newUser('admin')).key;
    platform = await new PlatformEmulator().start();
    await registerManually(tool, admin, platform, course.slug);
    const lineItem = platform.createLineItem('course-1', { label: 'A program that runs', scoreMaximum: 1 }).id;
    const { response } = await launch(
      new CookieBrowser(),
      platform.initiateLogin({
        person: { sub: 'grace', name: 'Grace', roles: [ROLE.learner] },
        resourceLinkId: 'link-metrics',
        lineItemId: lineItem,
        custom: { memgrade_exercise: exercise },
      }),
    );
    const key = keyOfLaunch(response);

    const created = await request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${key}`)
      .send({ exercise, files: { 'solution.py': 'print(1)\n' } })
      .expect(202);
    expect(await waitForGraded(app, key, created.body.id)).toMatchObject({ status: 'graded', score: 1 });
    await waitUntil(
      async () => platform.acceptedScores(lineItem),
      (s) => s.length === 1,
      60_000,
      'the score at the platform',
    );

    const text = await waitUntil(
      async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
      (t) => (sample(t, 'memgrade_lms_score_posts_total', { result: 'posted' }) ?? 0) >= 1,
      10_000,
      'the posted score counted',
    );
    expect(sample(text, 'memgrade_lms_score_delivery_lag_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'memgrade_lms_score_delivery_lag_seconds_sum')).toBeGreaterThan(0);
    // A failed attempt says why: BullMQ keeps each failed attempt's error on the job that was retried.
    const failedAttempts = (await app.get<Queue>(getQueueToken(LTI_QUEUE)).getJobs(['completed', 'failed', 'delayed', 'active', 'wait'])).flatMap((job) =>
      (job.stacktrace ?? []).map((trace) => `${job.id}: ${trace.split('\n')[0]}`),
    );
    expect({ failed: sample(text, 'memgrade_lms_score_posts_total', { result: 'failed' }) ?? 0, failedAttempts }).toEqual({ failed: 0, failedAttempts: [] });
  });
});
