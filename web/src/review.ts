// What staff review on a submission (flags, evidence marks) and what everybody reads beside the
// tests (the student's output, the submitted code and its changes). Everything here was supplied
// by a student or printed by their code: it is inserted as text only (dom.ts never parses HTML).
import { h } from './dom';
import { time } from './format';
import type { EvidenceStatus, FileDiff, Flag, FlagSeverity, StudentOutput, SubmissionCode } from './types';

export const SEVERITY_LABEL: Record<FlagSeverity, string> = { high: 'High', medium: 'Medium', low: 'Low' };

export function severityBadge(severity: FlagSeverity, prefix = ''): HTMLElement {
  return h('span', { class: `badge severity severity-${severity}`, 'data-severity': severity }, `${prefix}${SEVERITY_LABEL[severity] ?? severity}`);
}

export const EVIDENCE_LABEL: Record<EvidenceStatus, string> = {
  contradicted: 'Evidence disagreed',
  disagreed: 'Evidence disagreed',
  tampered: 'Tampered with',
  blocked: 'Blocked',
};

const EVIDENCE_EXPLAINED: Record<EvidenceStatus, string> = {
  contradicted: 'The check outside the student’s process contradicted the in-process result; the test scores 0.',
  disagreed: 'Two sources of evidence for this test disagreed; the test scores 0.',
  tampered: 'The test’s result channel was tampered with; the test scores 0.',
  blocked: 'The code used a tool that is not allowed in submissions, and it was blocked.',
};

/** A test card's evidence mark (staff only). */
export function evidenceMark(evidence: EvidenceStatus): HTMLElement {
  return h(
    'p',
    { class: `evidence evidence-${evidence}`, 'data-evidence': evidence },
    h('span', { class: 'badge severity severity-high' }, EVIDENCE_LABEL[evidence] ?? evidence),
    ' ',
    EVIDENCE_EXPLAINED[evidence] ?? '',
  );
}

function flagItem(flag: Flag): HTMLElement {
  const place = flag.file ? `${flag.file}${flag.line ? `:${flag.line}` : ''}` : null;
  return h(
    'li',
    { class: `flag flag-${flag.severity}`, 'data-severity': flag.severity },
    h(
      'div',
      { class: 'flag-head' },
      severityBadge(flag.severity),
      place ? h('code', { class: 'flag-place' }, place) : null,
      h('span', { class: 'flag-code muted small' }, `${flag.kind} · ${flag.code}`),
    ),
    flag.message ? h('p', { class: 'flag-message' }, flag.message) : null,
    flag.text ? h('pre', { class: 'flag-source', 'aria-label': place ? `Source at ${place}` : 'Source' }, flag.text) : null,
    flag.where ? h('p', { class: 'muted small flag-where' }, `Seen in ${flag.where}`) : null,
  );
}

/** The staff-only list of flags and evidence marks; null when there is nothing to review. */
export function flagsSection(flags: Flag[], marks: { test: string; evidence: EvidenceStatus }[]): HTMLElement | null {
  if (!flags.length && !marks.length) return null;
  const counts = (['high', 'medium', 'low'] as FlagSeverity[]).map((s) => [s, flags.filter((f) => f.severity === s).length] as const).filter(([, n]) => n);
  return h(
    'section',
    { class: 'flags panel', 'aria-labelledby': 'flags-title' },
    h('h3', { id: 'flags-title' }, 'For review: flags and evidence'),
    h(
      'p',
      { class: 'muted small' },
      'Only course staff see this. ',
      flags.length ? `${flags.length} flag${flags.length === 1 ? '' : 's'} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')})` : 'No flags',
      marks.length ? `; ${marks.length} test${marks.length === 1 ? '' : 's'} whose evidence did not hold.` : '.',
    ),
    marks.length
      ? h(
          'ul',
          { class: 'evidence-list' },
          marks.map((m) => h('li', null, h('span', { class: 'badge severity severity-high' }, EVIDENCE_LABEL[m.evidence] ?? m.evidence), ' ', h('span', null, m.test))),
        )
      : null,
    flags.length ? h('ol', { class: 'flag-list' }, flags.map(flagItem)) : null,
  );
}

function outputBlock(label: string, text: string, kind: 'stdout' | 'stderr'): HTMLElement | null {
  if (!text) return null;
  return h('div', { class: `output-stream output-${kind}` }, h('p', { class: 'output-label small muted' }, label), h('pre', { class: `output ${kind}`, tabindex: '0' }, text));
}

/** The student's own stdout/stderr, as far as the caller may see it; null when there is none to show or hold back. */
export function outputSection(output: StudentOutput | null | undefined, staff: boolean): HTMLElement | null {
  if (!output) return null;
  const parts: (HTMLElement | null)[] = [];
  if (output.sections) {
    for (const section of output.sections) {
      if (!section.stdout && !section.stderr) continue;
      parts.push(
        h(
          'div',
          { class: 'output-section', 'data-label': section.label },
          h(
            'h4',
            null,
            section.label === 'import' ? 'While your file was imported' : `During “${section.label}”`,
            staff && section.hidden ? h('span', { class: 'tag' }, 'hidden') : null,
          ),
          outputBlock('Standard output', section.stdout, 'stdout'),
          outputBlock('Standard error', section.stderr, 'stderr'),
        ),
      );
    }
  } else {
    parts.push(outputBlock('Standard output', output.stdout, 'stdout'), outputBlock('Standard error', output.stderr, 'stderr'));
  }
  const shown = parts.filter((p): p is HTMLElement => !!p);
  if (!shown.length && !output.withheld) return null;
  return h(
    'section',
    { class: 'student-output', 'aria-labelledby': 'output-title' },
    h('h3', { id: 'output-title' }, staff ? 'What the program printed' : 'What your program printed'),
    shown.length ? shown : h('p', { class: 'muted' }, 'Nothing you may see.'),
    output.truncated ? h('p', { class: 'muted small' }, 'The output was cut off at the size limit.') : null,
    output.withheld ? h('p', { class: 'muted small withheld' }, 'Output printed while hidden tests ran is not shown.') : null,
  );
}

function numbered(text: string): HTMLElement {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
  return h(
    'pre',
    { class: 'code-listing', tabindex: '0' },
    h(
      'code',
      null,
      lines.map((line, i) => h('span', { class: 'code-line' }, h('span', { class: 'line-no', 'aria-hidden': 'true' }, String(i + 1)), line, '\n')),
    ),
  );
}

function diffView(diff: FileDiff): HTMLElement {
  const summary = diff.status === 'unchanged' ? 'unchanged' : diff.status === 'added' ? 'new file' : diff.status === 'removed' ? 'removed' : `+${diff.added} −${diff.removed}`;
  return h(
    'div',
    { class: 'file-diff', 'data-file': diff.file },
    h('p', { class: 'diff-head' }, h('code', null, diff.file), ' ', h('span', { class: 'muted small' }, summary)),
    diff.hunks.map((hunk) =>
      h(
        'pre',
        { class: 'diff', tabindex: '0' },
        h('span', { class: 'diff-hunk' }, `@@ −${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@\n`),
        hunk.lines.map((line) =>
          h(
            'span',
            { class: line.op === '+' ? 'diff-line add' : line.op === '-' ? 'diff-line del' : 'diff-line same' },
            h('span', { class: 'sr-only' }, line.op === '+' ? 'added: ' : line.op === '-' ? 'removed: ' : ''),
            h('span', { 'aria-hidden': 'true' }, `${line.op} `),
            line.text,
            '\n',
          ),
        ),
      ),
    ),
  );
}

/** The submitted files, the changes since the previous submission, and "Restore into the editor". */
export function codeSection(code: SubmissionCode, actions: { restore?: () => void; previousHref?: string }): HTMLElement {
  const names = Object.keys(code.files).sort();
  const changed = code.diff?.filter((d) => d.status !== 'unchanged') ?? [];
  return h(
    'section',
    { class: 'submitted-code', 'aria-labelledby': 'code-title' },
    h('h3', { id: 'code-title' }, 'Submitted code'),
    actions.restore ? h('div', { class: 'actions' }, h('button', { type: 'button', class: 'button secondary', onClick: actions.restore }, 'Restore into the editor')) : null,
    names.map((name) => h('div', { class: 'code-file', 'data-file': name }, h('p', { class: 'file-name-line' }, h('code', null, name)), numbered(code.files[name]))),
    h(
      'div',
      { class: 'changes' },
      h('h3', null, 'Changes since the previous submission'),
      code.previous
        ? [
            h(
              'p',
              { class: 'muted small' },
              'Compared with ',
              actions.previousHref
                ? h('a', { href: actions.previousHref }, 'the submission of ', time(code.previous.createdAt))
                : ['the submission of ', time(code.previous.createdAt)],
              '.',
            ),
            changed.length ? changed.map(diffView) : h('p', { class: 'muted' }, 'No change: the files are the same as in the previous submission.'),
          ]
        : h('p', { class: 'muted' }, 'This is the first submission of this exercise.'),
    ),
  );
}
