import { Redis } from 'ioredis';
import { dropDatabasesStartingWith } from './medium-databases';
import { MEDIUM_RUN_VARIABLE, mediumPrefix, mediumRedisUrl } from './medium-env';

/** Drops the run's template and worker databases and deletes its Redis keys. */
export default async function globalTeardown(): Promise<void> {
  const run = process.env[MEDIUM_RUN_VARIABLE];
  if (!run) return;
  await dropDatabasesStartingWith(mediumPrefix(run));
  const redis = new Redis(mediumRedisUrl(), { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `memgrade-medium-${run}-*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
