import { parseOutputSections } from './student-output';

describe("the student's output per test, as a grading run stored it", () => {
  it('reads sections as plain values, dropping what is not one and capping labels', () => {
    expect(
      parseOutputSections([
        { label: 'import', hidden: false, stdout: 'hello\n', stderr: '' },
        'not a section',
        null,
        [1, 2],
        { label: 'x'.repeat(300), hidden: false, stdout: 42, stderr: 'warning\n', extra: true },
      ]),
    ).toEqual([
      { label: 'import', hidden: false, stdout: 'hello\n', stderr: '' },
      { label: 'x'.repeat(200), hidden: false, stdout: '', stderr: 'warning\n' },
    ]);
  });

  it('counts a section without a boolean hidden as hidden, so a malformed one is never shown to a student', () => {
    expect(parseOutputSections([{ label: 'a', stdout: 'secret' }, { label: 'b', hidden: 'no', stdout: 'secret' }, { hidden: true }])).toEqual([
      { label: 'a', hidden: true, stdout: 'secret', stderr: '' },
      { label: 'b', hidden: true, stdout: 'secret', stderr: '' },
      { label: '', hidden: true, stdout: '', stderr: '' },
    ]);
  });

  it('is null when there are no sections at all, and keeps at most 500', () => {
    expect(parseOutputSections(undefined)).toBeNull();
    expect(parseOutputSections({ sections: [] })).toBeNull();
    expect(parseOutputSections([])).toEqual([]);
    expect(parseOutputSections(Array.from({ length: 600 }, (_, i) => ({ label: String(i), hidden: false })))).toHaveLength(500);
  });
});
