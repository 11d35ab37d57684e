import { applyMigrations } from '../../src/database/migrator';
import { dropDatabase, recreateDatabase } from '../setup/databases';
import { testDatabaseUrl } from '../setup/test-env';

/**
 * A database of one spec's own, migrated from scratch: for specs whose subject works on whole
 * tables (the sweepers look at every stale submission), so that it sees only that spec's rows and
 * never what earlier specs left in the shared test database. Pass `url` as DATABASE_URL to
 * startApi/startWorker; `drop()` in afterAll.
 */
export async function newOwnDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!/^[a-z0-9_]{1,20}$/.test(label)) throw new Error(`label ${label} must be 1 to 20 of a-z, 0-9, _`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `${url.pathname}_${label}`;
  await recreateDatabase(url.toString());
  await applyMigrations(url.toString());
  return { url: url.toString(), drop: () => dropDatabase(url.toString()) };
}
