import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { within } from '../common/time/within';
import { GRADING_QUEUE, WEBHOOKS_QUEUE } from '../queue/queues';
import { RedisService } from '../redis/redis.module';
import { MetricsRegistry } from './metrics-registry';

/** Job states reported as memgrade_queue_jobs{queue,state}. "waiting" is BullMQ's wait list plus its prioritized set. */
const STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;
/** A scrape never waits longer than this on Redis; a slow Redis leaves the queue series out of that scrape. */
const SCRAPE_TIMEOUT_MS = 1_000;

/**
 * Queue depth and how long the next job has waited, read from Redis when Prometheus scrapes the
 * API (the queues are shared, so every API instance reports the same values: use max() across
 * instances). How long jobs actually waited is a histogram the workers record as they start jobs.
 */
@Injectable()
export class QueueMetricsCollector {
  constructor(
    registry: MetricsRegistry,
    private readonly redis: RedisService,
    @InjectQueue(GRADING_QUEUE) grading: Queue,
    @InjectQueue(WEBHOOKS_QUEUE) webhooks: Queue,
  ) {
    const queues = [grading, webhooks];
    // prom-client calls collect() with the gauge as `this`: the timeout helper is reached through a bound function.
    const withTimeout = <T>(work: Promise<T>) => this.withTimeout(work);
    const nextJobAgeSeconds = (queue: Queue) => this.nextJobAgeSeconds(queue);
    const depth = new Gauge({
      name: 'memgrade_queue_jobs',
      help: 'Jobs in each queue by state (waiting = ready to run; prioritized = ready, ordered by priority)',
      labelNames: ['queue', 'state'],
      registers: [registry.registry],
      // Every API process reads the same shared queues: aggregated across processes, the value is one of them, not their sum.
      aggregator: 'max',
      async collect() {
        this.reset();
        const counts = await withTimeout(Promise.all(queues.map((queue) => queue.getJobCounts(...STATES))));
        counts?.forEach((count, index) => {
          for (const state of STATES) this.set({ queue: queues[index].name, state }, count[state] ?? 0);
        });
      },
    });
    const nextAge = new Gauge({
      name: 'memgrade_queue_next_job_age_seconds',
      help: 'How long the job that runs next in each queue has been waiting since it was queued (0 when none waits)',
      labelNames: ['queue'],
      registers: [registry.registry],
      aggregator: 'max',
      async collect() {
        this.reset();
        const ages = await withTimeout(Promise.all(queues.map((queue) => nextJobAgeSeconds(queue))));
        ages?.forEach((age, index) => this.set({ queue: queues[index].name }, age));
      },
    });
    void depth;
    void nextAge;
  }

  /** The age of the job BullMQ hands out next: the oldest of the wait list, else the first of the prioritized set. */
  async nextJobAgeSeconds(queue: Queue): Promise<number> {
    const client = this.redis.client;
    const next = (await client.lindex(queue.keys.wait, -1)) ?? (await client.zrange(queue.keys.prioritized, 0, 0))[0];
    if (!next) return 0;
    const timestamp = Number(await client.hget(queue.toKey(next), 'timestamp'));
    return Number.isFinite(timestamp) && timestamp > 0 ? Math.max(0, (Date.now() - timestamp) / 1000) : 0;
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T | undefined> {
    try {
      return await within(work, SCRAPE_TIMEOUT_MS, 'Redis');
    } catch {
      return undefined;
    }
  }
}
