import { nullSubmissions, topLevelNames } from './null-submissions';

describe('null submissions', () => {
  const reference = 'import weakref\n\nclass Cache:\n    def get(self):\n        pass\n\ndef load_document(name, size):\n    return None\n\nasync def fetch():\n    pass\n';

  it('finds the top-level functions and classes a test calls', () => {
    expect(topLevelNames(reference)).toEqual({ functions: ['load_document', 'fetch'], classes: ['Cache'] });
  });

  it('builds the four submissions that solve nothing, for every student file', () => {
    const nulls = nullSubmissions(['solution.py'], { 'solution.py': reference });
    expect(nulls.map((n) => n.name)).toEqual([
      'an empty file',
      'a module whose __getattr__ returns equals-everything objects',
      'every function and method a no-op',
      'every function raising SystemExit',
    ]);
    expect(nulls[0].files).toEqual({ 'solution.py': '' });
    expect(nulls[1].files['solution.py']).toContain('def __getattr__(name):');
    expect(nulls[2].files['solution.py']).toContain('def load_document(*args, **kwargs):\n    return None');
    expect(nulls[2].files['solution.py']).toContain('class Cache:');
    expect(nulls[3].files['solution.py']).toContain('def fetch(*args, **kwargs):\n    raise SystemExit(0)');
  });
});
