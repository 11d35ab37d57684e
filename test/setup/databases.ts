import { Client } from 'pg';

/** Runs `work` with a client connected to the server's maintenance database (`postgres`). */
async function onServer<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function nameOf(databaseUrl: string): string {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected test database name ${name}`);
  return name;
}

/** Drops (forcing out its connections) and creates the database of `databaseUrl`, empty. */
export async function recreateDatabase(databaseUrl: string): Promise<void> {
  const name = nameOf(databaseUrl);
  await onServer(databaseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = nameOf(databaseUrl);
  await onServer(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

/** Drops the database of `targetUrl` and makes it a copy of `templateUrl` (which must have no connections). */
export async function cloneDatabase(templateUrl: string, targetUrl: string): Promise<void> {
  const [template, target] = [nameOf(templateUrl), nameOf(targetUrl)];
  await onServer(targetUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${target}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${target}" TEMPLATE "${template}"`);
  });
}
