import { InvalidInputError, PayloadTooLargeError } from '../common/errors/domain-errors';
import { checkSubmissionFiles, MAX_FILE_BYTES } from './submission-files';

function problemsOf(attempt: () => unknown) {
  try {
    attempt();
  } catch (error) {
    return (error as InvalidInputError).problems;
  }
  throw new Error('expected an error');
}

describe('checkSubmissionFiles', () => {
  it('accepts exactly the expected files', () => {
    expect(checkSubmissionFiles({ 'solution.py': 'x = 1\n' }, ['solution.py'])).toEqual({ 'solution.py': 'x = 1\n' });
  });

  it.each([
    ['../etc/passwd', 'must be a plain file name'],
    ['dir/solution.py', 'must be a plain file name'],
    ['other.py', 'is not a file of this exercise'],
  ])('names the bad file %s', (name, reason) => {
    const problems = problemsOf(() => checkSubmissionFiles({ 'solution.py': '', [name]: 'x' }, ['solution.py']));
    expect(problems).toEqual([{ field: `files.${name}`, reason: expect.stringContaining(reason) }]);
  });

  it('requires every student file and string content', () => {
    expect(problemsOf(() => checkSubmissionFiles({ 'a.py': 1 }, ['a.py', 'b.py']))).toEqual([
      { field: 'files.a.py', reason: 'must be the file content as a string' },
      { field: 'files.b.py', reason: 'is required by this exercise' },
    ]);
  });

  it('rejects oversized files with 413', () => {
    expect(() => checkSubmissionFiles({ 'a.py': 'x'.repeat(MAX_FILE_BYTES + 1) }, ['a.py'])).toThrow(PayloadTooLargeError);
  });

  it('rejects binary content', () => {
    expect(() => checkSubmissionFiles({ 'a.py': 'a\u0000b' }, ['a.py'])).toThrow(InvalidInputError);
  });
});
