import type { Client } from 'pg';

/** A database reduced to what schema.prisma can say about it, in a form both sides can produce. */
export interface DatabaseShape {
  /** table → column → "type null|not null default …" */
  tables: Record<string, Record<string, string>>;
  enums: Record<string, string[]>;
  /** Sorted "table kind(col, …)" where kind is primary, unique or index. */
  indexes: string[];
  /** Sorted "table(cols) -> table(cols) on delete X on update Y". */
  foreignKeys: string[];
}

export function columnSignature(type: string, nullable: boolean, defaultValue: string | null): string {
  return `${type} ${nullable ? 'null' : 'not null'}${defaultValue === null ? '' : ` default ${defaultValue}`}`;
}

/** Reads the shape of the public schema, leaving out Prisma's own bookkeeping table. */
export async function describeDatabase(client: Client): Promise<DatabaseShape> {
  const tables: DatabaseShape['tables'] = {};
  const columns = await client.query<{ table_name: string; column_name: string; type: string; nullable: boolean; default_value: string | null }>(`
    SELECT c.relname AS table_name, a.attname AS column_name,
           format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable,
           pg_get_expr(d.adbin, d.adrelid) AS default_value
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'`);
  for (const row of columns.rows) {
    (tables[row.table_name] ??= {})[row.column_name] = columnSignature(row.type, row.nullable, row.default_value);
  }

  const enums: DatabaseShape['enums'] = {};
  const enumRows = await client.query<{ name: string; value: string }>(`
    SELECT t.typname AS name, e.enumlabel AS value
      FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
      JOIN pg_namespace n ON n.oid = t.typnamespace AND n.nspname = 'public'
     ORDER BY t.typname, e.enumsortorder`);
  for (const row of enumRows.rows) (enums[row.name] ??= []).push(row.value);

  const indexRows = await client.query<{ table_name: string; kind: string; columns: string[] }>(`
    SELECT t.relname AS table_name,
           CASE WHEN i.indisprimary THEN 'primary' WHEN i.indisunique THEN 'unique' ELSE 'index' END AS kind,
           ARRAY(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
     WHERE t.relname <> '_prisma_migrations'`);
  const indexes = indexRows.rows.map((row) => `${row.table_name} ${row.kind}(${row.columns.join(', ')})`).sort();

  const fkRows = await client.query<{ definition: string; table_name: string }>(`
    SELECT t.relname AS table_name, pg_get_constraintdef(c.oid) AS definition
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
     WHERE c.contype = 'f'`);
  const foreignKeys = fkRows.rows.map((row) => `${row.table_name} ${normaliseForeignKey(row.definition)}`).sort();

  return { tables, enums, indexes, foreignKeys };
}

/** pg_get_constraintdef leaves out the default actions; spell every rule out. */
function normaliseForeignKey(definition: string): string {
  const match = /^FOREIGN KEY \((.+?)\) REFERENCES (\S+?)\((.+?)\)(.*)$/.exec(definition);
  if (!match) return definition;
  const [, from, table, to, rest] = match;
  const onDelete = /ON DELETE (SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION)/.exec(rest)?.[1] ?? 'NO ACTION';
  const onUpdate = /ON UPDATE (SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION)/.exec(rest)?.[1] ?? 'NO ACTION';
  return `(${from}) -> ${table.replace(/"/g, '')}(${to}) on delete ${onDelete} on update ${onUpdate}`;
}
