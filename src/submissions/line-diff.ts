// A small line diff between two versions of a student's file, in unified-diff hunks.

export interface DiffLine {
  /** ' ' the same in both, '-' only in the older, '+' only in the newer. */
  op: ' ' | '-' | '+';
  text: string;
  /** 1-based line numbers in the older / newer file (absent on the side the line is not in). */
  oldLine?: number;
  newLine?: number;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: DiffLine[];
}

export interface FileDiff {
  file: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  added: number;
  removed: number;
  hunks: DiffHunk[];
}

/** Above this many cells of the LCS table (after the common start and end), the middle is shown as replaced. */
const MAX_CELLS = 4_000_000;

const splitLines = (text: string): string[] => {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
};

/** Every line of both files as an edit script (longest common subsequence, common start and end trimmed first). */
export function diffLines(older: string, newer: string): DiffLine[] {
  const a = splitLines(older);
  const b = splitLines(newer);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out: DiffLine[] = [];
  for (let i = 0; i < start; i++) out.push({ op: ' ', text: a[i], oldLine: i + 1, newLine: i + 1 });
  const n = endA - start;
  const m = endB - start;
  if (n * m > MAX_CELLS) {
    for (let i = start; i < endA; i++) out.push({ op: '-', text: a[i], oldLine: i + 1 });
    for (let j = start; j < endB; j++) out.push({ op: '+', text: b[j], newLine: j + 1 });
  } else {
    // lcs[i][j] = length of the LCS of a[start+i..endA) and b[start+j..endB)
    const width = m + 1;
    const lcs = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * width + j] = a[start + i] === b[start + j] ? lcs[(i + 1) * width + j + 1] + 1 : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        out.push({ op: ' ', text: a[start + i], oldLine: start + i + 1, newLine: start + j + 1 });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1])) {
        out.push({ op: '-', text: a[start + i], oldLine: start + i + 1 });
        i++;
      } else {
        out.push({ op: '+', text: b[start + j], newLine: start + j + 1 });
        j++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) out.push({ op: ' ', text: a[endA + k], oldLine: endA + k + 1, newLine: endB + k + 1 });
  return out;
}

/** The changed lines with `context` unchanged lines around them, grouped into hunks. */
export function toHunks(lines: DiffLine[], context = 3): DiffHunk[] {
  const hunks: DiffHunk[] = [];
  const changed = lines.map((l, i) => (l.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (!changed.length) return hunks;
  let from = Math.max(0, changed[0] - context);
  let to = Math.min(lines.length - 1, changed[0] + context);
  const flush = () => {
    const slice = lines.slice(from, to + 1);
    const firstOld = slice.find((l) => l.oldLine !== undefined)?.oldLine;
    const firstNew = slice.find((l) => l.newLine !== undefined)?.newLine;
    const oldLines = slice.filter((l) => l.op !== '+').length;
    const newLines = slice.filter((l) => l.op !== '-').length;
    hunks.push({
      oldStart: firstOld ?? precedingLine(lines, from, 'oldLine'),
      oldLines,
      newStart: firstNew ?? precedingLine(lines, from, 'newLine'),
      newLines,
      lines: slice,
    });
  };
  for (const index of changed.slice(1)) {
    if (index - context <= to + 1) to = Math.min(lines.length - 1, index + context);
    else {
      flush();
      from = index - context;
      to = Math.min(lines.length - 1, index + context);
    }
  }
  flush();
  return hunks;
}

/** For a hunk with no line on one side (unified diff's convention): the line before it there, or 0. */
function precedingLine(lines: DiffLine[], before: number, side: 'oldLine' | 'newLine'): number {
  for (let i = before - 1; i >= 0; i--) if (lines[i][side] !== undefined) return lines[i][side]!;
  return 0;
}

/** Per file of either submission: what changed from `older` to `newer`. */
export function diffFiles(older: Record<string, string>, newer: Record<string, string>, context = 3): FileDiff[] {
  const names = [...new Set([...Object.keys(older), ...Object.keys(newer)])].sort();
  return names.map((file) => {
    const lines = diffLines(older[file] ?? '', newer[file] ?? '');
    const added = lines.filter((l) => l.op === '+').length;
    const removed = lines.filter((l) => l.op === '-').length;
    const status = !(file in older) ? 'added' : !(file in newer) ? 'removed' : added || removed ? 'changed' : 'unchanged';
    return { file, status, added, removed, hunks: toHunks(lines, context) };
  });
}
