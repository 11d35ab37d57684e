import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { applyMigrations, MIGRATIONS_DIR, MigrationError, readMigrations } from '../../src/database/migrator';
import { dropDatabase, recreateDatabase } from '../setup/databases';
import { testDatabaseUrl } from '../setup/test-env';

/** A scratch database per test, so the migrator is exercised from empty. */
async function withScratchDatabase(run: (url: string) => Promise<void>): Promise<void> {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${url.pathname.slice(1)}_scratch_${process.pid}`;
  await recreateDatabase(url.toString());
  try {
    await run(url.toString());
  } finally {
    await dropDatabase(url.toString());
  }
}

async function bookkeeping(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name');
  await client.end();
  return rows;
}

describe('migration applier', () => {
  it('applies every migration once and records it as Prisma does', async () => {
    await withScratchDatabase(async (url) => {
      const names = readMigrations().map((m) => m.name);
      expect(await applyMigrations(url)).toEqual(names);
      expect(await applyMigrations(url)).toEqual([]);
      const rows = await bookkeeping(url);
      expect(rows.map((r) => r.migration_name)).toEqual(names);
      expect(rows.every((r) => r.finished_at && r.applied_steps_count === 1 && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    });
  });

  it('lets concurrent starters take turns (advisory lock)', async () => {
    await withScratchDatabase(async (url) => {
      const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
      expect(results.flat()).toEqual(readMigrations().map((m) => m.name));
    });
  });

  it('refuses a migration that was edited after it was applied', async () => {
    await withScratchDatabase(async (url) => {
      await applyMigrations(url);
      const edited = mkdtempSync(join(tmpdir(), 'migrations-'));
      cpSync(MIGRATIONS_DIR, edited, { recursive: true });
      const first = readMigrations(edited)[0].name;
      const file = join(edited, first, 'migration.sql');
      writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- edited\n`);
      await expect(applyMigrations(url, edited)).rejects.toThrow(new MigrationError(`migration ${first} was changed after it was applied (checksum differs)`));
    });
  });

  it('rolls a failing migration back completely', async () => {
    await withScratchDatabase(async (url) => {
      const broken = mkdtempSync(join(tmpdir(), 'migrations-'));
      cpSync(MIGRATIONS_DIR, broken, { recursive: true });
      const dir = join(broken, '99999999999999_broken');
      require('node:fs').mkdirSync(dir);
      writeFileSync(join(dir, 'migration.sql'), 'CREATE TABLE "half_done" (id int);\nSELECT no_such_function();\n');
      await expect(applyMigrations(url, broken)).rejects.toThrow(/99999999999999_broken failed/);
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(`SELECT to_regclass('public.half_done') AS t`);
      await client.end();
      expect(rows[0].t).toBeNull();
      expect((await bookkeeping(url)).map((r) => r.migration_name)).not.toContain('99999999999999_broken');
    });
  });
});
