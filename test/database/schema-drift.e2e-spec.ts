import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getDMMF } from '@prisma/get-dmmf';
import { Client } from 'pg';
import { testDatabaseUrl } from '../setup/test-env';
import { describeDatabase, type DatabaseShape } from './database-shape';
import { expectedShape } from './expected-shape';

/**
 * The migrations are hand-kept SQL (Prisma's schema engine is a download we cannot make), so this
 * proves the migrated test database is exactly what schema.prisma describes: every table, column,
 * type, nullability, default, enum, primary key, unique and plain index, and foreign key.
 */
describe('migrated database matches schema.prisma', () => {
  let actual: DatabaseShape;
  let expected: DatabaseShape;

  beforeAll(async () => {
    const dmmf = await getDMMF({ datamodel: readFileSync(resolve(__dirname, '../../prisma/schema.prisma'), 'utf8') });
    if ('reason' in dmmf) throw new Error(`schema.prisma does not parse: ${dmmf.reason}`);
    expected = expectedShape(dmmf.datamodel);
    const client = new Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      actual = await describeDatabase(client);
    } finally {
      await client.end();
    }
  });

  it('has the same tables', () => {
    expect(Object.keys(actual.tables).sort()).toEqual(Object.keys(expected.tables).sort());
  });

  it('has the same columns with the same type, nullability and default', () => {
    for (const [table, columns] of Object.entries(expected.tables)) {
      expect({ table, columns: actual.tables[table] }).toEqual({ table, columns });
    }
  });

  it('has the same enums', () => {
    expect(actual.enums).toEqual(expected.enums);
  });

  it('has the same primary keys, unique and plain indexes', () => {
    expect(actual.indexes).toEqual(expected.indexes);
  });

  it('has the same foreign keys with the same delete and update rules', () => {
    expect(actual.foreignKeys).toEqual(expected.foreignKeys);
  });
});
