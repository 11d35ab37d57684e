import { Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfigService } from '../config/app-config';

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
    if (this.client.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.client.off('ready', onReady);
          reject(new Error(`redis not connected (${this.client.status})`));
        }, withinMs);
        const onReady = () => {
          clearTimeout(timer);
          resolve();
        };
        this.client.once('ready', onReady);
      });
    }
    return this.client.ping();
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
