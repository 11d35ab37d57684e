import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from '../../src/database/migrator';
import { dropDatabase, recreateDatabase } from '../setup/databases';
import { testDatabaseUrl } from '../setup/test-env';

const FLAGS_MIGRATION = '20261201090000_flags_and_output_sections';

/**
 * The migration that keeps a submission's flag severity fills it in for submissions graded before
 * it, from their latest run: the highest flag severity, an evidence mark counting as high.
 */
describe('flag severity of submissions graded before the column existed', () => {
  it('is backfilled from the latest run of each submission', async () => {
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${url.pathname.slice(1)}_backfill_${process.pid}`;
    await recreateDatabase(url.toString());
    const before = mkdtempSync(join(tmpdir(), 'migrations-'));
    const client = new Client({ connectionString: url.toString() });
    try {
      // Every migration up to (not including) the one under test.
      for (const m of readMigrations()) if (m.name < FLAGS_MIGRATION) cpSync(join(MIGRATIONS_DIR, m.name), join(before, m.name), { recursive: true });
      await applyMigrations(url.toString(), before);
      await client.connect();
      const one = async (sql: string, values: unknown[] = []) => (await client.query(sql, values)).rows[0];
      const user = await one(`INSERT INTO users (id, role, display_name) VALUES (gen_random_uuid(), 'student', 'S') RETURNING id`);
      const course = await one(`INSERT INTO courses (id, slug, title) VALUES (gen_random_uuid(), 'c', 'C') RETURNING id`);
      const exercise = await one(`INSERT INTO exercises (id, course_id, slug, title) VALUES (gen_random_uuid(), $1, 'e', 'E') RETURNING id`, [course.id]);
      const version = await one(
        `INSERT INTO exercise_versions (id, exercise_id, number, content_hash, spec, files, max_score) VALUES (gen_random_uuid(), $1, 1, 'h', '{}', '{}', 1) RETURNING id`,
        [exercise.id],
      );
      const submission = async (runs: { flags: unknown[]; status?: string }[]) => {
        const s = await one(
          `INSERT INTO submissions (id, exercise_version_id, user_id, files, status, max_score) VALUES (gen_random_uuid(), $1, $2, '{}', 'graded', 1) RETURNING id`,
          [version.id, user.id],
        );
        for (const [i, run] of runs.entries()) {
          const r = await one(
            `INSERT INTO grading_results (id, submission_id, run, verdict, score, max_score, flags) VALUES (gen_random_uuid(), $1, $2, 'ok', 0, 1, $3) RETURNING id`,
            [s.id, i + 1, JSON.stringify(run.flags)],
          );
          await client.query(
            `INSERT INTO test_results (id, grading_result_id, position, name, score, max_score, passed, measurements) VALUES (gen_random_uuid(), $1, 0, 't', 0, 1, false, $2)`,
            [r.id, JSON.stringify(run.status ? { status: run.status } : {})],
          );
        }
        return s.id as string;
      };
      const ids = {
        none: await submission([{ flags: [] }]),
        low: await submission([{ flags: [{ severity: 'low' }] }]),
        mediumOfUnknown: await submission([{ flags: [{ severity: 'odd' }, { severity: 'low' }] }]),
        evidence: await submission([{ flags: [{ severity: 'low' }], status: 'contradicted' }]),
        latestRunCounts: await submission([{ flags: [{ severity: 'high' }] }, { flags: [] }]),
        neverGraded: (
          await one(`INSERT INTO submissions (id, exercise_version_id, user_id, files, max_score) VALUES (gen_random_uuid(), $1, $2, '{}', 1) RETURNING id`, [version.id, user.id])
        ).id,
      };
      expect(await applyMigrations(url.toString())).toEqual([
        FLAGS_MIGRATION,
        ...readMigrations()
          .map((m) => m.name)
          .filter((n) => n > FLAGS_MIGRATION),
      ]);
      const { rows } = await client.query('SELECT id, flag_severity FROM submissions');
      const severity = Object.fromEntries(rows.map((r) => [r.id, r.flag_severity]));
      expect(Object.fromEntries(Object.entries(ids).map(([k, id]) => [k, severity[id]]))).toEqual({
        none: null,
        low: 'low',
        mediumOfUnknown: 'medium',
        evidence: 'high',
        latestRunCounts: null,
        neverGraded: null,
      });
    } finally {
      await client.end().catch(() => {});
      rmSync(before, { recursive: true, force: true });
      await dropDatabase(url.toString());
    }
  });
});
