import { suiteDatabaseUrl, suiteRedisUrl } from '../setup/test-env';

/**
 * Names of the medium tier's databases. One run (one `jest --selectProjects medium`) owns
 * `<name>_medium_<run>_template` (migrated once by the global setup) and one clone of it per Jest
 * worker, `<name>_medium_<run>_w<worker>`, where <name> is the test database's name and <run> the
 * pid of the Jest process that ran the global setup: concurrent runs on one machine never share a
 * database, and a run that died is recognised by its pid and cleaned up by the next.
 */
export const MEDIUM_RUN_VARIABLE = 'MEMGRADE_MEDIUM_RUN';

function baseName(): string {
  return new URL(suiteDatabaseUrl()).pathname.slice(1).replace(/_test$/, '');
}

/** `postgresql://…/<database>` on the test server. */
export function databaseUrlFor(database: string): string {
  const url = new URL(suiteDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
}

export function mediumPrefix(run: string): string {
  return `${baseName()}_medium_${run}_`;
}

export function templateDatabase(run: string): string {
  return `${mediumPrefix(run)}template`;
}

export function workerDatabase(run: string, worker: string): string {
  return `${mediumPrefix(run)}w${worker}`;
}

/** The run id the global setup chose (inherited by every Jest worker). */
export function currentRun(): string {
  const run = process.env[MEDIUM_RUN_VARIABLE];
  if (!run) throw new Error(`${MEDIUM_RUN_VARIABLE} is not set: run the medium specs with jest --selectProjects medium`);
  return run;
}

export function currentWorker(): string {
  return process.env.JEST_WORKER_ID ?? '1';
}

/** Redis database 14 (the e2e suite flushes 15); every key of a run is under its own queue prefix. */
export function mediumRedisUrl(): string {
  const url = new URL(suiteRedisUrl());
  url.pathname = '/14';
  return url.toString();
}

export function queuePrefix(run: string, worker: string): string {
  return `memgrade-medium-${run}-w${worker}`;
}
