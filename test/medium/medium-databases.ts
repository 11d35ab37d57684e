import { Client } from 'pg';
import { suiteDatabaseUrl } from '../setup/test-env';
import { databaseUrlFor } from './medium-env';

/** Runs `work` with a client on the test server's maintenance database. */
export async function onServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrlFor('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function checked(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected medium database name ${name}`);
  return name;
}

/** A clone of `template` named `name`, unless it exists already (the worker's second spec file). */
export async function cloneDatabase(template: string, name: string): Promise<void> {
  await onServer(async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE "${checked(name)}" TEMPLATE "${checked(template)}"`);
  });
}

/** Drops every database whose name starts with `prefix` (forcing out its connections). */
export async function dropDatabasesStartingWith(prefix: string): Promise<string[]> {
  return onServer(async (client) => {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname DESC', [prefix]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${checked(datname)}" WITH (FORCE)`);
    return rows.map((row) => row.datname);
  });
}

/** Medium databases of runs whose Jest process is gone (interrupted runs), on the test server. */
export async function databasesOfDeadRuns(): Promise<string[]> {
  const base = new URL(suiteDatabaseUrl()).pathname.slice(1).replace(/_test$/, '');
  const pattern = new RegExp(`^${base}_medium_(\\d+)_`);
  const names = await onServer(async (client) => (await client.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((row) => row.datname));
  return names.filter((name) => {
    const pid = pattern.exec(name)?.[1];
    if (!pid) return false;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch {
      return true;
    }
  });
}
