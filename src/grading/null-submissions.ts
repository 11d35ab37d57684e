/**
 * Submissions that solve nothing, built from the reference solution's names: publishing grades each
 * of them and refuses a version in which any earns a point (the judge must not be fooled by code
 * that does no work, however it answers).
 */
export interface NullSubmission {
  name: string;
  files: Record<string, string>;
}

/** An object that equals, contains, hashes like and returns everything: the classic grader-fooler. */
const EQUALS_EVERYTHING = `
class _Anything:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __lt__(self, other): return False
    def __le__(self, other): return True
    def __gt__(self, other): return False
    def __ge__(self, other): return True
    def __hash__(self): return 0
    def __len__(self): return 0
    def __bool__(self): return True
    def __iter__(self): return iter(())
    def __contains__(self, item): return True
    def __call__(self, *args, **kwargs): return self
    def __getattr__(self, name): return self
    def __getitem__(self, key): return self
    def __int__(self): return 0
    def __index__(self): return 0
    def __float__(self): return 0.0
    def __str__(self): return ""
    def __repr__(self): return ""

def __getattr__(name):
    return _Anything()
`;

/** Top-level `def name` and `class Name` of a Python source (what a test calls). */
export function topLevelNames(source: string): { functions: string[]; classes: string[] } {
  const functions = [...source.matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm)].map((m) => m[1]);
  const classes = [...source.matchAll(/^class\s+([A-Za-z_]\w*)\s*[(:]/gm)].map((m) => m[1]);
  return { functions: [...new Set(functions)], classes: [...new Set(classes)] };
}

function stubs(source: string, body: string): string {
  const { functions, classes } = topLevelNames(source);
  const lines = ['import sys', ''];
  for (const name of functions) lines.push(`def ${name}(*args, **kwargs):`, `    ${body}`, '');
  for (const name of classes) {
    lines.push(
      `class ${name}:`,
      '    def __init__(self, *args, **kwargs):',
      `        ${body}`,
      '    def __getattr__(self, name):',
      `        return lambda *args, **kwargs: ${body === 'return None' ? 'None' : '(_ for _ in ()).throw(SystemExit(0))'}`,
      '',
    );
  }
  return lines.join('\n');
}

/** The four null submissions of a version, for every student file of its reference. */
export function nullSubmissions(studentFiles: string[], reference: Record<string, string>): NullSubmission[] {
  const each = (make: (source: string) => string) => Object.fromEntries(studentFiles.map((name) => [name, make(reference[name] ?? '')]));
  return [
    { name: 'an empty file', files: each(() => '') },
    { name: 'a module whose __getattr__ returns equals-everything objects', files: each(() => EQUALS_EVERYTHING) },
    { name: 'every function and method a no-op', files: each((source) => stubs(source, 'return None')) },
    { name: 'every function raising SystemExit', files: each((source) => stubs(source, 'raise SystemExit(0)')) },
  ];
}
