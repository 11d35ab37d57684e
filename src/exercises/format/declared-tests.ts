/**
 * The names of the tests a Python test module declares, read from its source without running it.
 * The harness's convention (sandbox/harness/README.md): every graded test is a function decorated
 * with `@test("name", points=…)` (or `@memgrade_harness.test(…)`, `name="…"` as a keyword), and its
 * registry keys tests by the module the function is defined in, so only the module's own source can
 * declare them. A declaration whose name is not a plain string literal (a variable, an f-string, a
 * call in a loop) cannot be read statically: the module is then `dynamic`, and its names are not
 * checked.
 */
export interface DeclaredTests {
  names: string[];
  dynamic: boolean;
}

const DECORATOR = /^[ \t]*@(?:[A-Za-z_][A-Za-z0-9_]*\.)*test[ \t]*\(/gm;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

export function declaredTests(source: string): DeclaredTests {
  const names: string[] = [];
  let dynamic = false;
  for (const match of source.matchAll(DECORATOR)) {
    const name = literalArgument(source, match.index + match[0].length);
    if (name === null) dynamic = true;
    else names.push(name);
  }
  return { names, dynamic };
}

/** The first argument at `at` (after the "(") when it is a string literal alone, else null. */
function literalArgument(source: string, at: number): string | null {
  let i = skipSpace(source, at);
  const keyword = /^name[ \t]*=[ \t]*/.exec(source.slice(i, i + 40));
  if (keyword) i += keyword[0].length;
  const prefix = /^[rRuU]?/.exec(source.slice(i, i + 1))![0];
  const raw = prefix === 'r' || prefix === 'R';
  i += prefix.length;
  const quote = source.startsWith('"""', i) ? '"""' : source.startsWith("'''", i) ? "'''" : source[i] === '"' || source[i] === "'" ? source[i] : null;
  if (!quote) return null;
  i += quote.length;
  let text = '';
  for (;;) {
    if (i >= source.length) return null;
    if (source.startsWith(quote, i)) break;
    const c = source[i];
    if (quote.length === 1 && c === '\n') return null;
    if (c === '\\' && !raw) {
      const next = source[i + 1];
      if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6))) {
        text += String.fromCharCode(parseInt(source.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(source.slice(i + 2, i + 4))) {
        text += String.fromCharCode(parseInt(source.slice(i + 2, i + 4), 16));
        i += 4;
        continue;
      }
      if (next !== undefined && next in ESCAPES) {
        text += ESCAPES[next];
        i += 2;
        continue;
      }
      text += c;
      i += 1;
      continue;
    }
    text += c;
    i += 1;
  }
  i = skipSpace(source, i + quote.length);
  // "a" "b" (implicit concatenation) or "a" + x: not a plain literal.
  return source[i] === ',' || source[i] === ')' ? text : null;
}

function skipSpace(source: string, i: number): number {
  while (i < source.length && /\s/.test(source[i])) i++;
  return i;
}
