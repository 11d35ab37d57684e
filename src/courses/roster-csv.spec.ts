import { InvalidInputError, PayloadTooLargeError } from '../common/errors/domain-errors';
import { parseRosterCsv, ROSTER_IMPORT_MAX_ROWS } from './roster-csv';

const problemOf = (text: string) => {
  try {
    parseRosterCsv(text);
  } catch (error) {
    return { type: (error as Error).constructor.name, ...(error as InvalidInputError).problems[0] };
  }
  throw new Error('parsed');
};

describe('parseRosterCsv', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks (LF inside a cell, as spreadsheets write them), a BOM and CRLF; rows are the lines they end on', () => {
    const rows = parseRosterCsv('\uFEFFEmail,Name,Role\r\nada@example.edu,"Lovelace, Ada",student\r\n\r\n"b@example.edu","Grace ""Amazing""\nHopper",TA\r\n');
    expect(rows).toEqual([
      { row: 2, email: 'ada@example.edu', externalId: null, name: 'Lovelace, Ada', role: 'student' },
      { row: 5, email: 'b@example.edu', externalId: null, name: 'Grace "Amazing"\nHopper', role: 'TA' },
    ]);
  });

  it('takes external_id instead of email, any header spelling, cells trimmed, empty cells as null, and semicolons when the header uses them', () => {
    expect(parseRosterCsv('External ID;display-name\n s-1 ; Ada \ns-2;\n')).toEqual([
      { row: 2, email: null, externalId: 's-1', name: 'Ada', role: null },
      { row: 3, email: null, externalId: 's-2', name: null, role: null },
    ]);
  });

  it('keeps a formula-looking or HTML cell as the text it is', () => {
    expect(parseRosterCsv('email,name\nx@example.edu,"=HYPERLINK(""http://evil.example"",""x"")"\ny@example.edu,<script>alert(1)</script>\n').map((r) => r.name)).toEqual([
      '=HYPERLINK("http://evil.example","x")',
      '<script>alert(1)</script>',
    ]);
  });

  it('marks a row with more cells than the header, but reads it', () => {
    const [row] = parseRosterCsv('email,name\na@example.edu,Ada,extra\n');
    expect(row.problem).toMatch(/3 cells but the header names 2 columns/);
  });

  it('refuses a file without a usable header, with an unknown or repeated column, without rows, or that is not CSV', () => {
    expect(problemOf('')).toMatchObject({ type: 'InvalidInputError', field: 'csv', reason: expect.stringMatching(/is empty/) });
    expect(problemOf('name,role\nAda,student\n')).toMatchObject({ field: 'csv', reason: expect.stringMatching(/no email or external_id column/) });
    expect(problemOf('email,emial\na@b.c,x\n')).toMatchObject({ field: 'csv', reason: expect.stringMatching(/"emial".*not one of email, external_id, name, role/) });
    expect(problemOf('email,e-mail\n')).toMatchObject({ field: 'csv', reason: expect.stringMatching(/twice/) });
    expect(problemOf('email,name\n')).toMatchObject({ field: 'csv', reason: expect.stringMatching(/no rows/) });
    expect(problemOf('email,name\n"a@b.c,Ada\n')).toMatchObject({ field: 'csv', reason: expect.stringMatching(/is not valid CSV/) });
  });

  it(`refuses more than ${ROSTER_IMPORT_MAX_ROWS} rows with a 413 naming csv`, () => {
    const many = ['email', ...Array.from({ length: ROSTER_IMPORT_MAX_ROWS + 1 }, (_, i) => `p${i}@example.edu`)].join('\n');
    expect(problemOf(many)).toMatchObject({ type: PayloadTooLargeError.name, field: 'csv', reason: expect.stringMatching(/more than 1000 rows/) });
    expect(
      parseRosterCsv(
        many
          .split('\n')
          .slice(0, ROSTER_IMPORT_MAX_ROWS + 1)
          .join('\n'),
      ),
    ).toHaveLength(ROSTER_IMPORT_MAX_ROWS);
  });
});
