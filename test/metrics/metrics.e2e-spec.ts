import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { WorkerMetricsServer } from '../../src/metrics/worker-metrics.server';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { TestData } from '../support/fixtures';
import { freePort, waitForGraded, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';
import { SandboxService } from '../../src/sandbox';
import { sample } from './exposition';

const TOKEN = 'metrics-scrape-token-0123';

async function scrapeWorker(port: number, token?: string): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

describe('Prometheus metrics of the API and the worker', () => {
  let app: INestApplication;
  let data: TestData;
  let student: { id: string; key: string };
  let exercise: string;

  beforeAll(async () => {
    app = await startApi();
    data = new TestData(app.get(PrismaService));
    const course = await data.newCourse();
    student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    exercise = `${course.slug}/${(await data.newExercise(course.id)).slug}`;
  });

  afterAll(async () => {
    await app?.close();
  });

  const submit = (source: string) =>
    request(app.getHttpServer())
      .post('/api/v1/submissions')
      .set('Authorization', `Bearer ${student.key}`)
      .send({ exercise, files: { 'solution.py': source } })
      .expect(202);

  it('serves the API process RSS, Node metrics and the queues depth at /metrics without a key', async () => {
    await submit('print("waiting")\n');
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sample(response.text, 'process_resident_memory_bytes', { service: 'api' })).toBeGreaterThan(10 * 1024 * 1024);
    expect(sample(response.text, 'nodejs_eventloop_lag_seconds', { service: 'api' })).toBeGreaterThanOrEqual(0);
    const waiting =
      (sample(response.text, 'memgrade_queue_jobs', { queue: 'grading', state: 'waiting' }) ?? 0) +
      (sample(response.text, 'memgrade_queue_jobs', { queue: 'grading', state: 'prioritized' }) ?? 0);
    expect(waiting).toBeGreaterThanOrEqual(1);
    expect(sample(response.text, 'memgrade_queue_jobs', { queue: 'webhooks', state: 'active' })).toBeGreaterThanOrEqual(0);
    expect(sample(response.text, 'memgrade_queue_next_job_age_seconds', { queue: 'grading' })).toBeGreaterThanOrEqual(0);
  });

  it('asks for the bearer token when METRICS_TOKEN is set, and takes no API key instead', async () => {
    const guarded = await startApi({ METRICS_TOKEN: TOKEN, PUBLISH_CATALOG: 'false' });
    try {
      const none = await request(guarded.getHttpServer()).get('/metrics').expect(401);
      expect(none.body).toMatchObject({ statusCode: 401, error: 'unauthenticated', message: expect.stringContaining('METRICS_TOKEN') });
      await request(guarded.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${student.key}`).expect(401);
      await request(guarded.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    } finally {
      await guarded.close();
    }
  });

  it('counts verdicts, grading time per exercise, queue wait and RSS on the worker port', async () => {
    const port = await freePort();
    let worker: INestApplicationContext | undefined;
    try {
      worker = await startWorker({ WORKER_METRICS_PORT: String(port), WORKER_METRICS_HOST: '127.0.0.1', METRICS_TOKEN: TOKEN });
      expect(worker.get(WorkerMetricsServer).address()).toBe(port);
      expect((await scrapeWorker(port)).status).toBe(401);
      const created = await submit('print("graded")\n');
      expect(await waitForGraded(app, student.key, created.body.id)).toMatchObject({ status: 'graded', verdict: 'ok' });
      const scraped = await waitUntil(
        () => scrapeWorker(port, TOKEN),
        (s) => (sample(s.text, 'memgrade_grading_duration_seconds_count', { exercise }) ?? 0) >= 1,
        10_000,
        'grading duration recorded',
      );
      expect(scraped.status).toBe(200);
      expect(scraped.type).toMatch(/^text\/plain/);
      expect(sample(scraped.text, 'memgrade_grading_verdicts_total', { verdict: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(sample(scraped.text, 'memgrade_grading_duration_seconds_sum', { exercise })).toBeGreaterThan(0);
      expect(sample(scraped.text, 'memgrade_submission_turnaround_seconds_count', { exercise })).toBeGreaterThanOrEqual(1);
      expect(sample(scraped.text, 'memgrade_queue_wait_seconds_count', { queue: 'grading', job: 'grade-submission' })).toBeGreaterThanOrEqual(1);
      expect(sample(scraped.text, 'memgrade_worker_concurrency', { service: 'worker' })).toBe(2);
      expect(sample(scraped.text, 'process_resident_memory_bytes', { service: 'worker' })).toBeGreaterThan(10 * 1024 * 1024);
      expect(sample(scraped.text, 'memgrade_sandbox_errors_total')).toBe(0);
    } finally {
      await worker?.close();
    }
    // Closed with the worker: nothing listens any more.
    await expect(scrapeWorker(port)).rejects.toThrow();
  });

  it('counts warm grading-pool hits and misses and the containers ready', async () => {
    const port = await freePort();
    const worker = await startWorker({ WORKER_METRICS_PORT: String(port), WORKER_METRICS_HOST: '127.0.0.1', SANDBOX_GRADING_POOL_SIZE: '1' });
    try {
      await worker.get(SandboxService).warmUp(); // as worker.ts does at start
      const first = await submit('print("from the pool")\n');
      expect(await waitForGraded(app, student.key, first.body.id)).toMatchObject({ status: 'graded' });
      const scraped = await waitUntil(
        () => scrapeWorker(port),
        (s) => (sample(s.text, 'memgrade_sandbox_pool_acquisitions_total', { pool: 'grading', result: 'hit' }) ?? 0) >= 1,
        10_000,
        'a pool hit counted',
      );
      expect(sample(scraped.text, 'memgrade_sandbox_pool_acquisitions_total', { pool: 'grading', result: 'miss' }) ?? 0).toBe(0);
      expect(sample(scraped.text, 'memgrade_sandbox_pool_ready', { pool: 'grading' })).toBeGreaterThanOrEqual(0);
      // The plain-run pool is off (SANDBOX_POOL_SIZE 0): no series for it.
      expect(scraped.text).not.toContain('pool="run"');
    } finally {
      await worker.close();
    }
  });

  it('counts a sandbox error when the engine cannot run the image', async () => {
    const port = await freePort();
    const worker = await startWorker({ WORKER_METRICS_PORT: String(port), WORKER_METRICS_HOST: '127.0.0.1', SANDBOX_IMAGE: 'memgrade-no-such-image:missing' });
    const created = await submit('print("never runs")\n');
    try {
      const scraped = await waitUntil(
        () => scrapeWorker(port),
        (s) => (sample(s.text, 'memgrade_sandbox_errors_total') ?? 0) >= 1,
        30_000,
        'sandbox error counted',
      );
      expect(sample(scraped.text, 'memgrade_grading_attempt_failures_total', { error: 'InfrastructureError' })).toBeGreaterThanOrEqual(1);
      // One failed attempt is retried, not the end of the submission.
      expect(sample(scraped.text, 'memgrade_submissions_failed_total')).toBe(0);
    } finally {
      await worker.close();
      await app
        .get<Queue>(getQueueToken(GRADING_QUEUE))
        .remove(created.body.id)
        .catch(() => undefined);
      await app.get(PrismaService).submission.update({ where: { id: created.body.id }, data: { status: 'error', errorReason: 'test: removed' } });
    }
  });
});
