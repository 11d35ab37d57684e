import { budgetMargins } from './exercise-validation';
import type { GradeOutcome } from '../results/grade-outcome';

const run = (checks: object[]): GradeOutcome =>
  ({ verdict: 'ok', tests: [], exitCode: 0, wallMs: 1, peakMemoryBytes: null, stdout: '', stderr: '', flags: [], report: { outOfProcess: checks } }) as GradeOutcome;

describe('budget margins', () => {
  it("measures each budget against the reference's highest growth and its spread", () => {
    const margins = budgetMargins([
      run([
        { id: 'rss', growth_mib: 1.0, max_growth_mib: 20 },
        { id: 'cycle', growth_mib: 40, max_growth_mib: 100, min_growth_mib: 30 },
      ]),
      run([
        { id: 'rss', growth_mib: 2.0, max_growth_mib: 20 },
        { id: 'cycle', growth_mib: 41, max_growth_mib: 100, min_growth_mib: 30 },
      ]),
    ]);
    expect(margins).toEqual([
      { check: 'rss', kind: 'max', budgetMiB: 20, growthMiB: { min: 1, max: 2 }, spreadMiB: 1, marginMiB: 18 },
      { check: 'cycle', kind: 'max', budgetMiB: 100, growthMiB: { min: 40, max: 41 }, spreadMiB: 1, marginMiB: 59 },
      { check: 'cycle', kind: 'min', budgetMiB: 30, growthMiB: { min: 40, max: 41 }, spreadMiB: 1, marginMiB: 10 },
    ]);
  });

  it('counts a spread of at least a quarter MiB', () => {
    const [margin] = budgetMargins([run([{ id: 'rss', growth_mib: 0.01, max_growth_mib: 5 }]), run([{ id: 'rss', growth_mib: 0.02, max_growth_mib: 5 }])]);
    expect(margin.spreadMiB).toBe(0.25);
  });
});
