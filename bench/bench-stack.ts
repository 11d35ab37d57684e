// What the benchmarks that run the compiled API and workers share: a database and a Redis database
// of their own, waiting for /health, a process's resident memory.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/config.loader';
import { applyMigrations } from '../src/database/migrator';
import { PrismaService } from '../src/database/prisma.service';
import { dropDatabase, recreateDatabase } from '../test/setup/databases';
import { TestData } from '../test/support/fixtures';
import { cpuMsOfStat } from './cpu-accounting';

const ROOT = resolve(__dirname, '../../..');

/** A bench's own stack: <name>_<suffix> migrated from scratch, an unused Redis database emptied, and a client of each. */
export interface BenchStack {
  DATABASE_URL: string;
  REDIS_URL: string;
  redis: Redis;
  prisma: PrismaService;
  data: TestData;
  /** Disconnects, empties the Redis database and drops the database (kept with KEEP_BENCH_DB). */
  close(): Promise<void>;
}

export async function freshBenchStack(suffix: string): Promise<BenchStack> {
  const base = new URL(process.env.DATABASE_URL || 'postgresql://memgrade:memgrade@127.0.0.1:5432/memgrade');
  base.pathname = `/${base.pathname.slice(1) || 'memgrade'}_${suffix}`;
  const DATABASE_URL = base.toString();
  await recreateDatabase(DATABASE_URL);
  await applyMigrations(DATABASE_URL, resolve(ROOT, 'prisma/migrations'));
  const REDIS_URL = await unusedRedisDatabase(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  const prisma = new PrismaService({ values: loadConfig({ ...process.env, DATABASE_URL, REDIS_URL }) });
  return {
    DATABASE_URL,
    REDIS_URL,
    redis,
    prisma,
    data: new TestData(prisma),
    close: async () => {
      await prisma.$disconnect();
      await redis.flushdb();
      redis.disconnect();
      if (!process.env.KEEP_BENCH_DB) await dropDatabase(DATABASE_URL);
    },
  };
}

/** A Redis database nobody uses (no keys, no client): another run's worker there would take our jobs. */
export async function unusedRedisDatabase(redisBase: string): Promise<string> {
  const probe = new Redis(redisBase);
  try {
    const clients = String(await probe.client('LIST'));
    const keyspace = await probe.info('keyspace');
    for (let db = 12; db >= 1; db--) {
      if (clients.includes(` db=${db} `) || keyspace.includes(`db${db}:`)) continue;
      const url = new URL(redisBase);
      url.pathname = `/${db}`;
      return url.toString();
    }
    throw new Error('no unused Redis database among 1–12');
  } finally {
    probe.disconnect();
  }
}

/** Waits until GET `url` answers 2xx (and `accept` likes its body, when given). */
export async function waitForHealth(url: string, withinMs = 30_000, accept: (body: unknown) => boolean = () => true): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok && accept(await response.json())) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} not healthy within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Resident memory of a process in MiB (0 when it is gone). */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Resident memory of a process and its children (the API's processes with API_PROCESSES > 1), in MiB. */
export async function treeRssMiB(pid: number): Promise<number> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const pids = children.split(/\s+/).filter(Boolean).map(Number);
  return (await rssMiB(pid)) + (await Promise.all(pids.map((child) => rssMiB(child)))).reduce((a, b) => a + b, 0);
}

/** CPU time (user + system) a process and its children have used so far, in ms: what a request costs, whatever the machine's load. */
export async function treeCpuMs(pid: number): Promise<number> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const ms = async (of: number) => cpuMsOfStat(await readFile(`/proc/${of}/stat`, 'utf8').catch(() => ''));
  const pids = [pid, ...children.split(/\s+/).filter(Boolean).map(Number)];
  return (await Promise.all(pids.map(ms))).reduce((a, b) => a + b, 0);
}

/** The environment of a bench's own API and worker processes: production mode, no catalog, no rate limit in the way. */
export function benchStackEnv(DATABASE_URL: string, REDIS_URL: string, port: number): Record<string, string> {
  return {
    DATABASE_URL,
    REDIS_URL,
    PORT: String(port),
    PUBLISH_CATALOG: 'false',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    NODE_ENV: 'production',
    MEMGRADE_ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
    SUBMISSION_RATE_LIMIT_PER_MINUTE: '100000',
    WORKER_METRICS_PORT: '0',
  };
}
