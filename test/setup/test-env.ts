/**
 * The environment of the e2e suite. The suite's database (<name>_test, or TEST_DATABASE_URL) is
 * migrated once by the global setup and serves as the template of one database per Jest worker
 * (<suite>_w1, <suite>_w2 …); each worker also has a Redis database of its own (15, 13, 12, 11:
 * 14 is the medium tier's). So specs run in parallel, one file at a time per worker, and a spec
 * that works on whole tables or flushes Redis sees only its worker's data; running the tests
 * never touches the platform's own data.
 */
const DEFAULT_DATABASE_URL = 'postgresql://memgrade:memgrade@127.0.0.1:5432/memgrade';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_REDIS_DATABASE = 15;
const MEDIUM_REDIS_DATABASE = 14;
/** Redis databases go down from the suite's; four workers fit below 15 (more would reach db 10 and under). */
export const MAX_E2E_WORKERS = 4;

/** The suite's database: the template of the workers' databases (no spec connects to it). */
export function suiteDatabaseUrl(): string {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const url = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  url.pathname = `/${url.pathname.slice(1) || 'memgrade'}_test`;
  return url.toString();
}

/** The suite's Redis URL: its database number is worker 1's; the others count down from it. */
export function suiteRedisUrl(): string {
  if (process.env.TEST_REDIS_URL) return process.env.TEST_REDIS_URL;
  const url = new URL(process.env.REDIS_URL || DEFAULT_REDIS_URL);
  url.pathname = `/${DEFAULT_REDIS_DATABASE}`;
  return url.toString();
}

/** The Jest worker this process is (1 in a run in band, and in the global setup's own process). */
export function currentWorker(): number {
  const worker = Number(process.env.JEST_WORKER_ID ?? 1);
  if (!Number.isSafeInteger(worker) || worker < 1 || worker > MAX_E2E_WORKERS) {
    throw new Error(`e2e Jest worker ${process.env.JEST_WORKER_ID}: at most ${MAX_E2E_WORKERS} workers (--maxWorkers)`);
  }
  return worker;
}

export function testDatabaseUrl(worker = currentWorker()): string {
  const url = new URL(suiteDatabaseUrl());
  url.pathname = `${url.pathname}_w${worker}`;
  return url.toString();
}

export function testRedisUrl(worker = currentWorker()): string {
  const url = new URL(suiteRedisUrl());
  const first = Number(url.pathname.slice(1) || 0);
  const databases = Array.from({ length: first + 1 }, (_, i) => first - i).filter((db) => db === first || db !== MEDIUM_REDIS_DATABASE);
  const database = databases[worker - 1];
  if (database === undefined) throw new Error(`no Redis database left for e2e worker ${worker} below ${first} (TEST_REDIS_URL)`);
  url.pathname = `/${database}`;
  return url.toString();
}

export function testEnvironment(): Record<string, string> {
  return {
    NODE_ENV: 'test',
    // Pinned, so deriving again from the already swapped DATABASE_URL and REDIS_URL gives the same answer.
    TEST_DATABASE_URL: suiteDatabaseUrl(),
    TEST_REDIS_URL: suiteRedisUrl(),
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: testRedisUrl(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'silent',
    // The suite's webhook receivers listen on 127.0.0.1: allow exactly that address (127.0.0.2,
    // ::1 and every other internal address stay refused, which test/webhooks/outbound-policy proves).
    OUTBOUND_ALLOWED_NETWORKS: '127.0.0.1/32',
  };
}
