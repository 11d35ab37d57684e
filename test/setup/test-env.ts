/**
 * The environment of the e2e suite: a dedicated database (<name>_test, recreated by the global
 * setup) and Redis database 15, so running the tests never touches the platform's own data.
 */
const DEFAULT_DATABASE_URL = 'postgresql://memgrade:memgrade@127.0.0.1:5432/memgrade';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function testDatabaseUrl(): string {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const url = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  url.pathname = `/${url.pathname.slice(1) || 'memgrade'}_test`;
  return url.toString();
}

export function testRedisUrl(): string {
  if (process.env.TEST_REDIS_URL) return process.env.TEST_REDIS_URL;
  const url = new URL(process.env.REDIS_URL || DEFAULT_REDIS_URL);
  url.pathname = '/15';
  return url.toString();
}

export function testEnvironment(): Record<string, string> {
  const database = testDatabaseUrl();
  const redis = testRedisUrl();
  return {
    NODE_ENV: 'test',
    // Pinned, so deriving again from the already swapped DATABASE_URL gives the same answer.
    TEST_DATABASE_URL: database,
    TEST_REDIS_URL: redis,
    DATABASE_URL: database,
    REDIS_URL: redis,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'silent',
    // The suite's webhook receivers listen on 127.0.0.1: allow exactly that address (127.0.0.2,
    // ::1 and every other internal address stay refused, which test/webhooks/outbound-policy proves).
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1/32',
  };
}
