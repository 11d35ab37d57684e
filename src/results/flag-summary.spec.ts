import { evidenceOf, flagSeverityOfRun, highestSeverity, parseFlags, severitiesAtLeast } from './flag-summary';

describe('flags and evidence marks of a grading run', () => {
  it('reads stored flags as plain values, most severe first, dropping what is not a flag', () => {
    const flags = parseFlags([
      { kind: 'static', severity: 'low', code: 'gc-use', message: 'gc.collect()', file: 'solution.py', line: 3, text: 'gc.collect()' },
      'not a flag',
      null,
      [1, 2],
      { kind: 'runtime', severity: 'high', code: 'monkeypatch', message: 'sys.getrefcount replaced', where: 'test "no leak"', extra: { a: 1 } },
      { kind: 'static', severity: 'catastrophic', code: 42, message: 'x'.repeat(5000), line: -1 },
    ]);
    expect(flags).toEqual([
      { kind: 'runtime', severity: 'high', code: 'monkeypatch', message: 'sys.getrefcount replaced', where: 'test "no leak"' },
      { kind: 'static', severity: 'medium', code: 'unknown', message: 'x'.repeat(1000) },
      { kind: 'static', severity: 'low', code: 'gc-use', message: 'gc.collect()', file: 'solution.py', line: 3, text: 'gc.collect()' },
    ]);
    expect(parseFlags({ not: 'an array' })).toEqual([]);
  });

  it('marks a test whose evidence did not hold: contradicted, tampered, disagreed, blocked', () => {
    for (const status of ['contradicted', 'tampered', 'disagreed', 'blocked']) expect(evidenceOf({ status, peak_mib: 3 })).toBe(status);
    for (const m of [{ status: 'passed' }, { status: 'timeout' }, {}, null, 'contradicted', [1]]) expect(evidenceOf(m)).toBeNull();
  });

  it('gives the highest severity; an evidence mark counts as high', () => {
    expect(highestSeverity([])).toBeNull();
    expect(highestSeverity([{ severity: 'low' }, { severity: 'medium' }])).toBe('medium');
    expect(highestSeverity([{ severity: 'low' }], 1)).toBe('high');
    expect(flagSeverityOfRun([], [{ measurements: { status: 'passed' } }])).toBeNull();
    expect(flagSeverityOfRun([{ severity: 'low' }], [{ measurements: {} }])).toBe('low');
    expect(flagSeverityOfRun([], [{ measurements: { status: 'contradicted' } }])).toBe('high');
  });

  it('filters "at least" a severity', () => {
    expect(severitiesAtLeast('high')).toEqual(['high']);
    expect(severitiesAtLeast('medium')).toEqual(['high', 'medium']);
    expect(severitiesAtLeast('low')).toEqual(['high', 'medium', 'low']);
  });
});
