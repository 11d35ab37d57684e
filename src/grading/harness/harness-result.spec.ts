import { referenceFiguresOf, type HarnessResult } from './harness-result';

const run = (peaks: number[]): HarnessResult => ({
  format: 'memgrade-result/1',
  status: 'ok',
  score: 1,
  max_score: 1,
  tests: [
    {
      name: 'budget',
      score: 1,
      max_score: 1,
      passed: true,
      measurements: Object.fromEntries(peaks.map((peak, i) => [i ? `memory#${i + 1}` : 'memory', { key: i ? `budget#${i + 1}` : 'budget', method: 'rss', peak_mib: peak }])),
    },
  ],
});

describe('referenceFiguresOf', () => {
  it('takes the median per measurement key, as the harness does', () => {
    expect(referenceFiguresOf([run([1.0, 5]), run([3.0, 6]), run([2.0, 7])])).toEqual({ budget: { rss_peak_mib: 2 }, 'budget#2': { rss_peak_mib: 6 } });
  });

  it('ignores measurements that are not memory peaks', () => {
    const other = run([1]);
    other.tests[0].measurements = { refcount_delta: 1, memory: { peak_mib: 3 } };
    expect(referenceFiguresOf([other])).toEqual({});
  });
});
