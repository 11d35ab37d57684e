import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { GradingProcessor } from '../grading/grading.processor';
import { RedisService } from '../redis/redis.module';

/** Each live worker's grading slots (its concurrency), one key per worker, expiring when it stops writing. */
export const CAPACITY_KEY_PREFIX = 'memgrade:grading-capacity:';
const INTERVAL_MS = 3_000;
const TTL_SECONDS = 10;

/** Worker side: tells the API how many submissions this worker grades at once, for queue estimates. */
@Injectable()
export class GradingCapacityReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GradingCapacityReporter.name);
  /** One key per worker instance (a process may host several, as tests do). */
  private readonly key = `${CAPACITY_KEY_PREFIX}${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;
  private inFlight: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly redis: RedisService,
  ) {}

  onApplicationBootstrap(): void {
    const worker = this.moduleRef.get(GradingProcessor, { strict: false }).worker;
    const report = () => {
      if (this.stopped) return;
      this.inFlight = this.redis.client
        .set(this.key, String(worker.concurrency), 'EX', TTL_SECONDS)
        .catch((error: Error) => this.logger.debug(`capacity not written: ${error.message}`));
    };
    report();
    this.timer = setInterval(report, INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // A write still in flight must not bring the key back after it is deleted.
    await this.inFlight;
    await this.redis.client.del(this.key).catch(() => undefined);
  }
}

/** The live workers and their slots in all, read from their capacity keys. */
export async function readGradingCapacity(redis: RedisService): Promise<{ workers: number; slots: number }> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.client.scan(cursor, 'MATCH', `${CAPACITY_KEY_PREFIX}*`, 'COUNT', 100);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (!keys.length) return { workers: 0, slots: 0 };
  const values = await redis.client.mget(...keys);
  const slots = values.reduce((sum, value) => sum + (Number(value) > 0 ? Number(value) : 0), 0);
  return { workers: values.filter((value) => value !== null).length, slots };
}
