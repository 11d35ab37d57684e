// The chain of references that keeps an object alive, drawn as a row of boxes: the harness names it
// as a path from one of the student's module variables (`registry['a'].items[0]`, in its message),
// and a path read as boxes — variable, then each key, attribute or member — shows where to cut.
import { h } from './dom';

/** The path and its file, from the harness's holder sentences (memgrade_harness/_paths.py). */
const HOLDER_PATTERNS = [
  /still reachable as `([^`]+)` \([^)]*module-level variable `[^`]+` in ([^)\s]+)\)/,
  /still holds it, as `([^`]+)`/,
  /referenced by the module-level variable `([^`]+)` in (\S+)/,
];

/** `registry['a'].items[0]` → ["registry", "['a']", ".items", "[0]"]; null when it is no such path. */
export function pathSteps(path: string): string[] | null {
  const root = /^[A-Za-z_]\w*/.exec(path);
  if (!root) return null;
  const steps = [root[0]];
  let rest = path.slice(root[0].length);
  // A key in brackets (quotes may hold brackets), an attribute, a call such as .keys(), a member (∋ x).
  const step = /^(\[(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\]])*\]|\.[A-Za-z_]\w*(?:\(\))?|\s*∋\s*[^[.∋]+)/;
  while (rest) {
    const match = step.exec(rest);
    if (!match) return null;
    steps.push(match[0].trim());
    rest = rest.slice(match[0].length);
  }
  return steps;
}

/** The boxes for a message that names a holder path, or null when it names none. */
export function referenceChain(message: string | undefined): HTMLElement | null {
  if (!message) return null;
  for (const pattern of HOLDER_PATTERNS) {
    const match = pattern.exec(message);
    const steps = match && pathSteps(match[1]);
    if (!match || !steps) continue;
    const file = match[2]?.replace(/[,.]$/, '');
    const boxes = steps.map((text, i) =>
      h(
        'li',
        { class: 'ref-step' },
        h(
          'span',
          { class: i === 0 ? 'ref-box ref-root' : 'ref-box' },
          h('code', null, text),
          i === 0 ? h('span', { class: 'ref-note' }, file ? `variable in ${file}` : 'module variable') : null,
        ),
      ),
    );
    return h(
      'figure',
      { class: 'ref-chain' },
      h('figcaption', null, 'What keeps it alive, from your module’s variable to the object:'),
      h(
        'ol',
        { 'aria-label': `reference chain: ${match[1]} holds the object` },
        ...boxes,
        h('li', { class: 'ref-step' }, h('span', { class: 'ref-box ref-target' }, 'the object')),
      ),
    );
  }
  return null;
}
