import { csvField, gradebookToCsv } from './gradebook.csv';
import type { Gradebook } from './gradebook.types';

describe('gradebook CSV', () => {
  it('quotes fields with commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Doe, Jane')).toBe('"Doe, Jane"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  it('writes numbers plainly and neutralises text a spreadsheet would run as a formula', () => {
    expect(csvField(2)).toBe('2');
    expect(csvField(0.1 + 0.2)).toBe('0.3');
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@me')).toBe("'@me");
  });

  it('has the header, one CRLF line per student and empty cells for missing grades', () => {
    const book: Gradebook = {
      course: 'c',
      policy: 'best',
      generatedAt: '2026-01-01T00:00:00.000Z',
      exercises: [
        { slug: 'a', title: 'A', maxScore: 2 },
        { slug: 'b', title: 'B', maxScore: 3 },
      ],
      maxTotal: 5,
      students: [
        {
          id: 'u1',
          displayName: 'Doe, Jane',
          externalId: 'lms-1',
          grades: { a: { score: 2, maxScore: 2, submissionId: 's1', submittedAt: '2026-01-01T00:00:00.000Z' }, b: null },
          total: 2,
        },
        { id: 'u2', displayName: 'Ann', externalId: null, grades: { a: null, b: null }, total: 0 },
      ],
    };
    expect(gradebookToCsv(book)).toBe('student_id,external_id,display_name,a,b,total\r\nu1,lms-1,"Doe, Jane",2,,2\r\nu2,,Ann,,,0\r\n');
  });

  it('with flags, adds one <slug>_flag column per exercise after total: the severity, empty when not flagged', () => {
    const book: Gradebook = {
      course: 'c',
      policy: 'best',
      generatedAt: '2026-01-01T00:00:00.000Z',
      exercises: [
        { slug: 'a', title: 'A', maxScore: 2 },
        { slug: 'b', title: 'B', maxScore: 3 },
      ],
      maxTotal: 5,
      students: [
        {
          id: 'u1',
          displayName: 'Jane',
          externalId: null,
          grades: {
            a: { score: 2, maxScore: 2, submissionId: 's1', submittedAt: '2026-01-01T00:00:00.000Z', flagSeverity: 'high' },
            b: { score: 1, maxScore: 3, submissionId: 's2', submittedAt: '2026-01-01T00:00:00.000Z' },
          },
          total: 3,
        },
      ],
    };
    expect(gradebookToCsv(book, { flags: true })).toBe('student_id,external_id,display_name,a,b,total,a_flag,b_flag\r\nu1,,Jane,2,1,3,high,\r\n');
    expect(gradebookToCsv(book)).toBe('student_id,external_id,display_name,a,b,total\r\nu1,,Jane,2,1,3\r\n');
  });
  it('with due dates, adds one <slug>_late column per exercise after total (before flags): days late, empty when on time', () => {
    const book: Gradebook = {
      course: 'c',
      policy: 'best',
      generatedAt: '2026-01-01T00:00:00.000Z',
      exercises: [
        { slug: 'a', title: 'A', maxScore: 2, dueAt: '2026-01-01T00:00:00.000Z' },
        { slug: 'b', title: 'B', maxScore: 3 },
      ],
      maxTotal: 5,
      students: [
        {
          id: 'u1',
          displayName: 'Jane',
          externalId: null,
          grades: {
            a: {
              score: 1.6,
              maxScore: 2,
              submissionId: 's1',
              submittedAt: '2026-01-03T00:00:00.000Z',
              late: true,
              daysLate: 2,
              penaltyPercent: 20,
              rawScore: 2,
              flagSeverity: 'low',
            },
            b: { score: 1, maxScore: 3, submissionId: 's2', submittedAt: '2026-01-01T00:00:00.000Z' },
          },
          total: 2.6,
        },
      ],
    };
    expect(gradebookToCsv(book)).toBe('student_id,external_id,display_name,a,b,total,a_late,b_late\r\nu1,,Jane,1.6,1,2.6,2,\r\n');
    expect(gradebookToCsv(book, { flags: true })).toBe('student_id,external_id,display_name,a,b,total,a_late,b_late,a_flag,b_flag\r\nu1,,Jane,1.6,1,2.6,2,,low,\r\n');
  });
});
