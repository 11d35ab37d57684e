import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { HEARTBEAT_KEY_PREFIX } from '../../src/health/worker-heartbeat';
import { RedisService } from '../../src/redis/redis.module';
import { startApi } from '../support/platform';
import { freePort } from '../support/integrations';

async function startRedis(port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const probe = spawn('redis-cli', ['-p', String(port), 'ping']);
      probe.on('close', (code) => resolve(code === 0));
    });
    if (ok) return redis;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('private redis-server did not start');
}

/** Polls GET /health until it answers `status`; returns how long that took. */
async function waitForHealth(app: INestApplication, status: number, withinMs: number): Promise<number> {
  const started = Date.now();
  let last = 0;
  while (Date.now() - started < withinMs) {
    last = (await request(app.getHttpServer()).get('/health')).status;
    if (last === status) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`/health stayed ${last}, expected ${status} within ${withinMs} ms`);
}

describe('GET /health', () => {
  it('reports postgres and redis up, needs no API key, and says when no worker reports docker', async () => {
    const app = await startApi();
    try {
      // Heartbeats of workers that earlier specs stopped expire on their own; do not wait for that.
      await app.get(RedisService).ping();
      const redis = app.get(RedisService).client;
      const beats = await redis.keys(`${HEARTBEAT_KEY_PREFIX}*`);
      if (beats.length) await redis.del(...beats);
      const response = await request(app.getHttpServer()).get('/health').expect(200);
      expect(response.body.checks.postgres).toMatchObject({ status: 'up' });
      expect(response.body.checks.redis).toMatchObject({ status: 'up' });
      expect(response.body.checks.docker).toMatchObject({ status: 'unknown', error: 'no worker is running' });
      expect(response.body.status).toBe('degraded');
    } finally {
      await app.close();
    }
  });

  it('answers 503 within 5 s of Redis stopping and 200 again when it returns, without a restart', async () => {
    const port = await freePort();
    let redis = await startRedis(port);
    const app = await startApi({ REDIS_URL: `redis://127.0.0.1:${port}/0` });
    try {
      await waitForHealth(app, 200, 5_000);
      redis.kill('SIGKILL');
      await once(redis, 'exit');
      const down = await request(app.getHttpServer()).get('/health');
      expect(down.status).toBe(503);
      expect(down.body.checks.redis.status).toBe('down');
      expect(down.body.checks.postgres.status).toBe('up');
      redis = await startRedis(port);
      expect(await waitForHealth(app, 200, 5_000)).toBeLessThan(5_000);
    } finally {
      redis.kill('SIGKILL');
      await app.close();
    }
  });

  it('answers 503 when Postgres cannot be reached', async () => {
    const port = await freePort();
    const app = await startApi({ DATABASE_URL: `postgresql://memgrade@127.0.0.1:${port}/memgrade` });
    try {
      const response = await request(app.getHttpServer()).get('/health').expect(503);
      expect(response.body.checks.postgres.status).toBe('down');
      expect(response.body.checks.redis.status).toBe('up');
    } finally {
      await app.close();
    }
  });
});
