import { CsvError, parse } from 'csv-parse/sync';
import { InvalidInputError, PayloadTooLargeError } from '../common/errors/domain-errors';

/** At most this many people per import: a bigger roster is split, or synced from the LMS. */
export const ROSTER_IMPORT_MAX_ROWS = 1000;

export type RosterColumn = 'email' | 'externalId' | 'name' | 'role';

/** Header names accepted for each column (lower-cased, spaces and hyphens as "_"). */
const HEADER_NAMES: Record<string, RosterColumn> = {
  email: 'email',
  e_mail: 'email',
  external_id: 'externalId',
  externalid: 'externalId',
  name: 'name',
  display_name: 'name',
  displayname: 'name',
  role: 'role',
};

/** One data row as written: `row` is the line of the file it ends on (the header is line 1; as a spreadsheet numbers rows unless a cell spans lines). */
export interface RosterCsvRow {
  row: number;
  email: string | null;
  externalId: string | null;
  name: string | null;
  role: string | null;
  /** Set when the row itself cannot be read (more cells than the header has). */
  problem?: string;
}

/**
 * Reads a roster CSV (RFC 4180 quoting; a UTF-8 BOM, CRLF or LF, comma, semicolon or tab as the
 * header line uses). Problems with the file as a whole (not CSV, a header that names no email or
 * external_id column, an unknown column, too many rows) are a 400/413 naming `csv`; problems of
 * one row are left to the caller, which reports them per row.
 */
export function parseRosterCsv(text: string): RosterCsvRow[] {
  const withoutBom = text.replace(/^\uFEFF/, '');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(withoutBom, {
      delimiter: delimiterOf(withoutBom),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      // One record more than the limit is enough to know the file is too long.
      to: ROSTER_IMPORT_MAX_ROWS + 2,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) throw InvalidInputError.field('csv', `is not valid CSV: ${error.message}`);
    throw error;
  }
  if (!records.length) throw InvalidInputError.field('csv', 'is empty: it needs a header row (email or external_id, name, role) and one row per person');
  const columns = headerOf(records[0].record);
  const rows = records.slice(1).filter(({ record }) => record.some((cell) => cell !== ''));
  if (!rows.length) throw InvalidInputError.field('csv', 'has a header but no rows');
  if (rows.length > ROSTER_IMPORT_MAX_ROWS) {
    throw new PayloadTooLargeError(`a roster import takes at most ${ROSTER_IMPORT_MAX_ROWS} rows`, [
      { field: 'csv', reason: `has more than ${ROSTER_IMPORT_MAX_ROWS} rows; split the file, or sync the roster from the LMS` },
    ]);
  }
  return rows.map(({ record, info }) => {
    const cell = (column: RosterColumn) => {
      const at = columns.indexOf(column);
      return at >= 0 && record[at] ? record[at] : null;
    };
    const row: RosterCsvRow = { row: info.lines, email: cell('email'), externalId: cell('externalId'), name: cell('name'), role: cell('role') };
    if (record.length > columns.length) row.problem = `has ${record.length} cells but the header names ${columns.length} columns (quote a cell that holds the delimiter)`;
    return row;
  });
}

function headerOf(cells: string[]): RosterColumn[] {
  const columns: RosterColumn[] = [];
  for (const cell of cells) {
    const name = cell.toLowerCase().replace(/[\s-]+/g, '_');
    const column = HEADER_NAMES[name];
    if (!column)
      throw InvalidInputError.field(
        'csv',
        `has the column "${cell.slice(0, 60)}" in its header, which is not one of email, external_id, name, role (the first row must be the header)`,
      );
    if (columns.includes(column)) throw InvalidInputError.field('csv', `names the column "${cell.slice(0, 60)}" twice in its header`);
    columns.push(column);
  }
  if (!columns.includes('email') && !columns.includes('externalId'))
    throw InvalidInputError.field('csv', 'has no email or external_id column in its header: each person needs one of them');
  return columns;
}

/** The delimiter of the header line: a comma unless the line has semicolons or tabs and no comma (spreadsheets in some locales). */
function delimiterOf(text: string): string {
  const header = text.slice(0, text.search(/\r?\n|$/));
  if (header.includes(',')) return ',';
  if (header.includes(';')) return ';';
  if (header.includes('\t')) return '\t';
  return ',';
}
