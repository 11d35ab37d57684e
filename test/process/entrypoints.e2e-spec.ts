import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { testDatabaseUrl } from '../setup/test-env';
import { freePort } from '../support/integrations';
import { startPrivateRedis } from '../support/private-redis';

/**
 * The compiled entry points (dist/, built by `npm test`) as real processes: what an operator sees.
 */
const root = resolve(__dirname, '../..');

interface Running {
  process: ChildProcess;
  lines: string[];
}

function launch(script: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, [resolve(root, 'dist', script)], { cwd: root, env: { ...process.env, ...env } });
  const lines: string[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString()).split('\n');
    pending = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (chunk: Buffer) => lines.push(...chunk.toString().trim().split('\n')));
  return { process: child, lines };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, withinMs = 20_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function stop(running: Running | undefined): Promise<number | null> {
  if (!running || running.process.exitCode !== null) return running?.process.exitCode ?? null;
  running.process.kill('SIGTERM');
  const [code] = await once(running.process, 'exit');
  return code as number | null;
}

describe('entry points', () => {
  it.each(['main.js', 'worker.js'])('%s exits non-zero with one line naming a bad DATABASE_URL', (script) => {
    const result = spawnSync(process.execPath, [resolve(root, 'dist', script)], {
      env: { ...process.env, DATABASE_URL: 'notaurl' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('memgrade: invalid configuration: DATABASE_URL must be a URL starting with postgres:// or postgresql:// (got "notaurl")\n');
  });

  it('a worker told to stop while its Redis is away closes and exits 0 within seconds', async () => {
    const port = await freePort();
    const redis = await startPrivateRedis(port);
    // A bound well above the close, so that this sees the close finish rather than the bound cut it off.
    const worker = launch('worker.js', { REDIS_URL: `redis://127.0.0.1:${port}/0`, SHUTDOWN_TIMEOUT_SECONDS: '30', WORKER_METRICS_PORT: '0' });
    try {
      await until('the worker started', async () => (worker.lines.some((line) => line.includes('memgrade worker started')) ? true : undefined), 30_000);
      await redis.stop();
      // Its connections are now between reconnect attempts: BullMQ's own close() never finished then.
      await new Promise((r) => setTimeout(r, 1_500));
      const stopped = Date.now();
      worker.process.kill('SIGTERM');
      const exited = await Promise.race([
        once(worker.process, 'exit').then(([code]) => code as number | null),
        new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000)),
      ]);
      expect({ exited, withinSeconds: Date.now() - stopped < 10_000 }).toEqual({ exited: 0, withinSeconds: true });
    } finally {
      if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
      await redis.stop();
    }
  });

  describe('API and worker processes', () => {
    let api: Running | undefined;
    let worker: Running | undefined;
    let port: number;
    const adminToken = `test_${randomBytes(18).toString('hex')}`;

    beforeAll(async () => {
      port = await freePort();
      // Validating the catalog would keep this worker (and later specs' workers) busy for a minute.
      api = launch('main.js', { PORT: String(port), LOG_LEVEL: 'info', MEMGRADE_ADMIN_TOKEN: adminToken, PUBLISH_CATALOG: 'false' });
      worker = launch('worker.js', { LOG_LEVEL: 'info' });
      await until('the API to listen', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined));
    });

    afterAll(async () => {
      await stop(api);
      await stop(worker);
    });

    it('reports docker up once the worker has sent its heartbeat', async () => {
      const body = await until('docker to be reported up', async () => {
        const report = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { checks: { docker: { status: string } } };
        return report.checks.docker.status === 'up' ? report : undefined;
      });
      expect(body).toMatchObject({ status: 'ok', checks: { postgres: { status: 'up' }, redis: { status: 'up' }, docker: { status: 'up' } } });
    });

    it('seeds the admin from MEMGRADE_ADMIN_TOKEN, stored only as a hash', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/submissions/00000000-0000-4000-8000-000000000000`, {
        headers: { Authorization: `Bearer ${adminToken}` },
      });
      expect(response.status).toBe(404);
      const client = new Client({ connectionString: testDatabaseUrl() });
      await client.connect();
      const { rows } = await client.query("SELECT hash FROM api_keys WHERE hash = encode(sha256($1::bytea), 'hex')", [adminToken]);
      const plain = await client.query('SELECT count(*)::int AS n FROM api_keys WHERE hash = $1 OR prefix = $1', [adminToken]);
      await client.end();
      expect(rows).toHaveLength(1);
      expect(plain.rows[0].n).toBe(0);
    });

    it('writes JSON log lines that all carry the request id of their request', async () => {
      const requestId = `req-${randomBytes(6).toString('hex')}`;
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/courses/nope/exercises`, {
        headers: { Authorization: `Bearer ${adminToken}`, 'X-Request-Id': requestId },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('x-request-id')).toBe(requestId);
      const lines = await until('the request to be logged', async () => {
        const found = api!.lines.filter((line) => line.includes(requestId));
        return found.length ? found : undefined;
      });
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ requestId });
    });

    it('stops both processes cleanly on SIGTERM', async () => {
      expect(await stop(worker)).toBe(0);
      expect(await stop(api)).toBe(0);
    });
  });
});
