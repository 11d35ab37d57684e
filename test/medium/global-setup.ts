import { applyMigrations } from '../../src/database/migrator';
import { databasesOfDeadRuns, dropDatabasesStartingWith, onServer } from './medium-databases';
import { databaseUrlFor, MEDIUM_RUN_VARIABLE, mediumPrefix, templateDatabase } from './medium-env';

/**
 * The medium tier's global setup: one migrated template database per run, made once here; each
 * Jest worker clones it (`CREATE DATABASE … TEMPLATE …`, a file copy: tens of milliseconds) the
 * first time one of its specs asks (medium.factory.ts). Leftovers of interrupted runs are dropped.
 * No run lock: a medium run touches only databases and Redis keys named after its own pid.
 */
export default async function globalSetup(): Promise<void> {
  const run = String(process.pid);
  // Inherited by the Jest workers, which are started after the global setup.
  process.env[MEDIUM_RUN_VARIABLE] = run;
  for (const name of await databasesOfDeadRuns()) await dropDatabasesStartingWith(name);
  await dropDatabasesStartingWith(mediumPrefix(run));
  const template = templateDatabase(run);
  await onServer((client) => client.query(`CREATE DATABASE "${template}"`));
  await applyMigrations(databaseUrlFor(template));
}
