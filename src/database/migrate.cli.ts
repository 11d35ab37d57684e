// `npm run migrate`: brings the database to the schema, with Prisma's engine when it is installed
// and with memgrade's own applier otherwise (the engine is a download, unavailable offline).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigOrExit } from '../config/config.loader';
import { applyMigrations } from './migrator';

function schemaEngineAvailable(): boolean {
  const configured = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  if (configured) return existsSync(configured) && spawnSync(configured, ['--version']).status === 0;
  return false;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (schemaEngineAvailable()) {
    const prisma = resolve(__dirname, '../../node_modules/.bin/prisma');
    const result = spawnSync(prisma, ['migrate', 'deploy'], { stdio: 'inherit', env: process.env });
    process.exit(result.status ?? 1);
  }
  const applied = await applyMigrations(config.DATABASE_URL);
  process.stdout.write(applied.length ? `migrations applied: ${applied.join(', ')}\n` : 'database schema is up to date\n');
}

main().catch((error: Error) => {
  process.stderr.write(`memgrade: ${error.message}\n`);
  process.exit(1);
});
