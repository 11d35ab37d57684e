import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfigService } from '../config/app-config';
import { readyWithin } from './ready-within';

/**
 * A general-purpose Redis connection (health, worker heartbeats, rate limits). Commands fail at
 * once while Redis is away instead of queueing, and the client keeps reconnecting in the background.
 */
@Injectable()
export class RedisService implements OnModuleDestroy {
  readonly client: Redis;

  constructor(@Inject(AppConfigService) config: AppConfigService) {
    this.client = new Redis(config.values.REDIS_URL, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: () => 500,
    });
    // Connection errors are reported through /health; without a listener ioredis would log each retry.
    this.client.on('error', () => undefined);
  }

  /** PING, waiting up to `withinMs` for a connection that is still being made. */
  async ping(withinMs = 1_000): Promise<string> {
    await readyWithin(this.client, withinMs);
    return this.client.ping();
  }

  /**
   * Runs `task` every `everyMs`, on one process at a time across all workers: each tick takes a
   * lock that expires with the period. Returns the function that stops it.
   */
  everyExclusively(lockKey: string, everyMs: number, task: () => Promise<unknown>, onError: (error: Error) => void): () => void {
    const tick = async () => {
      try {
        if (await this.client.set(lockKey, String(process.pid), 'PX', everyMs, 'NX')) await task();
      } catch (error) {
        onError(error as Error);
      }
    };
    const timer = setInterval(() => void tick(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
