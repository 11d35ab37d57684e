import { Client } from 'pg';
import { Redis } from 'ioredis';
import { applyMigrations } from '../../src/database/migrator';
import { acquireRunLock, releaseRunLock } from './run-lock';
import { testDatabaseUrl, testRedisUrl } from './test-env';
import { ensureSandboxImage } from './sandbox-image';

/** Recreates the test database from the migrations, empties the test Redis database, builds the sandbox image. */
export default async function globalSetup(): Promise<void> {
  await acquireRunLock();
  // Released by the global teardown; also when the run is interrupted.
  process.once('exit', releaseRunLock);
  const url = new URL(testDatabaseUrl());
  const name = url.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected test database name ${name}`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  await applyMigrations(url.toString());

  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  await redis.flushdb();
  redis.disconnect();

  process.env.SANDBOX_IMAGE = await ensureSandboxImage();
}
