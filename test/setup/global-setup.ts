import { Redis } from 'ioredis';
import { applyMigrations } from '../../src/database/migrator';
import { cloneDatabase, recreateDatabase } from './databases';
import { acquireRunLock, releaseRunLock } from './run-lock';
import { MAX_E2E_WORKERS, suiteDatabaseUrl, testDatabaseUrl, testRedisUrl } from './test-env';
import { ensureSandboxImage } from './sandbox-image';

/**
 * Migrates the suite's database once and clones it for every Jest worker (a file copy: tens of
 * milliseconds), empties every worker's Redis database, builds the sandbox image.
 */
export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  await acquireRunLock();
  // Released by the global teardown; also when the run is interrupted.
  process.once('exit', releaseRunLock);
  const workers = Math.max(1, globalConfig.maxWorkers);
  if (workers > MAX_E2E_WORKERS) throw new Error(`the e2e suite runs on at most ${MAX_E2E_WORKERS} Jest workers (got --maxWorkers=${workers})`);
  await recreateDatabase(suiteDatabaseUrl());
  await applyMigrations(suiteDatabaseUrl());
  for (let worker = 1; worker <= workers; worker++) {
    await cloneDatabase(suiteDatabaseUrl(), testDatabaseUrl(worker));
    const redis = new Redis(testRedisUrl(worker), { maxRetriesPerRequest: 1 });
    await redis.flushdb();
    redis.disconnect();
  }

  process.env.SANDBOX_IMAGE = await ensureSandboxImage();
}
