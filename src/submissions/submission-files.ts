import { InvalidInputError, PayloadTooLargeError, type FieldProblem } from '../common/errors/domain-errors';

export const MAX_FILE_BYTES = 256 * 1024;
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

/**
 * Checks the submitted files against what the exercise expects: exactly its student files,
 * plain names (no paths), text within the size limit. Returns them typed.
 */
export function checkSubmissionFiles(files: Record<string, unknown>, expected: string[]): Record<string, string> {
  const problems: FieldProblem[] = [];
  for (const [name, content] of Object.entries(files)) {
    const field = `files.${name}`;
    if (!FILE_NAME.test(name) || name.includes('..')) {
      problems.push({ field, reason: 'must be a plain file name (letters, digits, "_", "-", "."; no paths)' });
    } else if (!expected.includes(name)) {
      problems.push({ field, reason: `is not a file of this exercise (expected ${expected.join(', ')})` });
    } else if (typeof content !== 'string') {
      problems.push({ field, reason: 'must be the file content as a string' });
    } else if (content.includes('\u0000')) {
      problems.push({ field, reason: 'must be text (it contains a NUL byte)' });
    } else if (Buffer.byteLength(content, 'utf8') > MAX_FILE_BYTES) {
      throw new PayloadTooLargeError(`${field} is larger than ${MAX_FILE_BYTES} bytes`, [{ field, reason: `must be at most ${MAX_FILE_BYTES} bytes` }]);
    }
  }
  for (const name of expected) {
    if (!(name in files)) problems.push({ field: `files.${name}`, reason: 'is required by this exercise' });
  }
  if (problems.length) throw new InvalidInputError(problems.map((p) => `${p.field} ${p.reason}`).join('; '), problems);
  return files as Record<string, string>;
}
