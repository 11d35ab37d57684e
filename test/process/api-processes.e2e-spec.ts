import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { GRADING_QUEUE } from '../../src/queue/queues';
import { freePort } from '../support/integrations';
import { launch, waitForListening, type Proc } from '../support/processes';

/** The API as several processes on one port (API_PROCESSES, src/api-cluster.ts), as an operator runs it. */
describe('API_PROCESSES=2', () => {
  let api: Proc;
  let port: number;
  let queue: Queue;
  const adminToken = `test_${randomBytes(18).toString('hex')}`;
  const children = () => readFileSync(`/proc/${api.child.pid}/task/${api.child.pid}/children`, 'utf8').split(/\s+/).filter(Boolean);

  beforeAll(async () => {
    queue = new Queue(GRADING_QUEUE, { connection: { url: process.env.REDIS_URL }, prefix: 'memgrade' });
    await queue.obliterate({ force: true });
    port = await freePort();
    api = launch('main.js', { PORT: String(port), API_PROCESSES: '2', MEMGRADE_ADMIN_TOKEN: adminToken, PUBLISH_CATALOG: 'false', LOG_LEVEL: 'warn' });
    await waitForListening(port, api, 90_000);
    // Both processes listening: the primary hands connections only to those that do.
    const deadline = Date.now() + 60_000;
    while ((api.output.join('').match(/memgrade API listening/g) ?? []).length < 2) {
      if (Date.now() > deadline) throw new Error(`two API processes did not listen: ${api.output.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 160_000);

  afterAll(async () => {
    if (api.child.exitCode === null) {
      api.child.kill('SIGKILL');
      await once(api.child, 'exit');
    }
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('runs two API processes under one primary', () => {
    expect(children()).toHaveLength(2);
    expect(api.output.join('')).toContain('memgrade API: 2 processes on port');
  });

  it('answers authenticated requests from either process', async () => {
    for (let i = 0; i < 6; i++) {
      // A new connection each time: the primary gives each connection to the next process.
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/submissions/00000000-0000-4000-8000-000000000000`, {
        headers: { Authorization: `Bearer ${adminToken}`, Connection: 'close' },
      });
      expect(response.status).toBe(404);
    }
  });

  it('serves /metrics for all processes: memory summed, the shared queue depth once', async () => {
    await queue.addBulk([1, 2, 3].map((n) => ({ name: 'grade', data: { submissionId: `00000000-0000-4000-8000-00000000000${n}`, reason: 'submitted' }, opts: { priority: 1 } })));
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Connection: 'close' } })).text();
    const value = (series: RegExp) => Number(series.exec(text)?.[1]);
    // Read from the same Redis by both processes: a sum would say 6.
    expect(value(/^memgrade_queue_jobs\{queue="grading",state="prioritized",service="api"\} (\d+)$/m)).toBe(3);
    const rss = value(/^process_resident_memory_bytes\{service="api"\} (\d+)$/m);
    const own = children().map((pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024);
    // The sum of both processes' RSS (each moves a little between the scrape and this read).
    expect(rss).toBeGreaterThan(Math.max(...own) * 1.5);
  });

  it('stops every process on SIGTERM and exits 0', async () => {
    const pids = children();
    api.child.kill('SIGTERM');
    const [code] = await once(api.child, 'exit');
    expect(code).toBe(0);
    for (const pid of pids) expect(() => process.kill(Number(pid), 0)).toThrow();
  });
});
