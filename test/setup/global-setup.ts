import { Redis } from 'ioredis';
import { applyMigrations } from '../../src/database/migrator';
import { recreateDatabase } from './databases';
import { acquireRunLock, releaseRunLock } from './run-lock';
import { testDatabaseUrl, testRedisUrl } from './test-env';
import { ensureSandboxImage } from './sandbox-image';

/** Recreates the test database from the migrations, empties the test Redis database, builds the sandbox image. */
export default async function globalSetup(): Promise<void> {
  await acquireRunLock();
  // Released by the global teardown; also when the run is interrupted.
  process.once('exit', releaseRunLock);
  await recreateDatabase(testDatabaseUrl());
  await applyMigrations(testDatabaseUrl());

  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  await redis.flushdb();
  redis.disconnect();

  process.env.SANDBOX_IMAGE = await ensureSandboxImage();
}
