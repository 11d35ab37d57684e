import { MetricsRegistry } from './metrics-registry';
import { WorkerMetrics, type PoolCounts } from './worker-metrics';

const line = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start));

describe('WorkerMetrics: the warm pools', () => {
  it('exports the hits and misses the pools counted, each once, and the containers ready now', async () => {
    const registry = new MetricsRegistry('worker');
    const metrics = new WorkerMetrics(registry);
    const counts: PoolCounts = { grading: { hits: 3, misses: 1, idle: 2 }, run: null };
    metrics.readPoolsFrom(() => counts);

    let text = await registry.metrics();
    expect(line(text, 'memgrade_sandbox_pool_acquisitions_total{pool="grading",result="hit"')).toMatch(/ 3$/);
    expect(line(text, 'memgrade_sandbox_pool_acquisitions_total{pool="grading",result="miss"')).toMatch(/ 1$/);
    expect(line(text, 'memgrade_sandbox_pool_ready{pool="grading"')).toMatch(/ 2$/);
    // A pool that is off exports nothing.
    expect(text).not.toContain('pool="run"');

    // The next scrape adds only what happened since: the totals follow the pools' own counts.
    counts.grading = { hits: 5, misses: 1, idle: 0 };
    text = await registry.metrics();
    expect(line(text, 'memgrade_sandbox_pool_acquisitions_total{pool="grading",result="hit"')).toMatch(/ 5$/);
    expect(line(text, 'memgrade_sandbox_pool_acquisitions_total{pool="grading",result="miss"')).toMatch(/ 1$/);
    expect(line(text, 'memgrade_sandbox_pool_ready{pool="grading"')).toMatch(/ 0$/);
  });

  it('exports no pool series before a source is known', async () => {
    const registry = new MetricsRegistry('worker');
    new WorkerMetrics(registry);
    const text = await registry.metrics();
    expect(text).not.toMatch(/^memgrade_sandbox_pool_acquisitions_total\{/m);
    expect(text).toContain('# TYPE memgrade_lms_score_delivery_lag_seconds histogram');
  });
});
