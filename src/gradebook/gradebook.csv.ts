import type { Gradebook } from './gradebook.types';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF, or leading/trailing
 * space; quotes doubled. Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR first)
 * gets a leading apostrophe (OWASP's advice against CSV injection); numbers are written as they are.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? formatNumber(value) : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatNumber(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 1e6) / 1e6) : '';
}

/**
 * `student_id,external_id,display_name,<exercise-slug>...,total`, one line per enrolled student,
 * CRLF line ends; an exercise without a graded submission is an empty cell. With `flags`, one more
 * column per exercise after total, `<exercise-slug>_flag`: the highest flag severity of the
 * counting submission (high, medium, low), empty when it is not flagged. When any exercise has a
 * due date, one column per exercise after total (before the flag columns), `<exercise-slug>_late`:
 * the started days late of the counting submission, empty when on time; the score columns already
 * have the late penalty taken off.
 */
export function gradebookToCsv(book: Gradebook, options: { flags?: boolean } = {}): string {
  const flagColumns = options.flags ? book.exercises.map((exercise) => `${exercise.slug}_flag`) : [];
  // A course with due dates marks late work: one column per exercise with the started days late.
  const late = book.exercises.some((exercise) => exercise.dueAt !== undefined);
  const lateColumns = late ? book.exercises.map((exercise) => `${exercise.slug}_late`) : [];
  const header = ['student_id', 'external_id', 'display_name', ...book.exercises.map((exercise) => exercise.slug), 'total', ...lateColumns, ...flagColumns];
  const lines = [header.map(csvField).join(',')];
  for (const student of book.students) {
    lines.push(
      [
        csvField(student.id),
        csvField(student.externalId),
        csvField(student.displayName),
        ...book.exercises.map((exercise) => csvField(student.grades[exercise.slug]?.score)),
        csvField(student.total),
        ...(late ? book.exercises.map((exercise) => csvField(student.grades[exercise.slug]?.daysLate)) : []),
        ...(options.flags ? book.exercises.map((exercise) => csvField(student.grades[exercise.slug]?.flagSeverity)) : []),
      ].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
