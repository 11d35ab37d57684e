import { diffFiles, diffLines, toHunks } from './line-diff';

const ops = (older: string, newer: string) => diffLines(older, newer).map((l) => `${l.op}${l.text}`);

describe('line diff between two submissions', () => {
  it('keeps common lines and marks removed and added ones in order', () => {
    expect(ops('a\nb\nc\n', 'a\nx\nc\n')).toEqual([' a', '-b', '+x', ' c']);
    expect(ops('', 'one\n')).toEqual(['+one']);
    expect(ops('one\ntwo', 'one\ntwo\n')).toEqual([' one', ' two']);
    expect(ops('def f():\n    return 1\n', 'def f():\n    x = 2\n    return x\n')).toEqual([' def f():', '-    return 1', '+    x = 2', '+    return x']);
  });

  it('numbers lines on both sides', () => {
    const lines = diffLines('a\nb\nc\n', 'z\na\nc\n');
    expect(lines).toEqual([
      { op: '+', text: 'z', newLine: 1 },
      { op: ' ', text: 'a', oldLine: 1, newLine: 2 },
      { op: '-', text: 'b', oldLine: 2 },
      { op: ' ', text: 'c', oldLine: 3, newLine: 3 },
    ]);
  });

  it('groups changes into hunks with three lines of context, merging close ones', () => {
    const older = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    const newer = older.replace('line 5\n', 'line five\n').replace('line 7\n', 'line seven\n').replace('line 25\n', '');
    const hunks = toHunks(diffLines(older, newer));
    expect(hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([
      [2, 9, 2, 9],
      [22, 7, 22, 6],
    ]);
    expect(hunks[1].lines.filter((l) => l.op !== ' ').map((l) => l.text)).toEqual(['line 25']);
  });

  it('says per file whether it was added, removed, changed or unchanged', () => {
    const diff = diffFiles({ 'a.py': 'x\n', 'b.py': 'same\n', 'gone.py': 'bye\n' }, { 'a.py': 'y\n', 'b.py': 'same\n', 'new.py': 'hi\n' });
    expect(diff.map((d) => [d.file, d.status, d.added, d.removed])).toEqual([
      ['a.py', 'changed', 1, 1],
      ['b.py', 'unchanged', 0, 0],
      ['gone.py', 'removed', 0, 1],
      ['new.py', 'added', 1, 0],
    ]);
    expect(diff[1].hunks).toEqual([]);
  });

  it('shows a huge rewrite as replaced lines instead of building a huge table', () => {
    const older = Array.from({ length: 3000 }, (_, i) => `old ${i}`).join('\n');
    const newer = Array.from({ length: 3000 }, (_, i) => `new ${i}`).join('\n');
    const lines = diffLines(older, newer);
    expect(lines.filter((l) => l.op === '-')).toHaveLength(3000);
    expect(lines.filter((l) => l.op === '+')).toHaveLength(3000);
  });
});
