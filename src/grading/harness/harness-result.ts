/** The parts of the harness's result document (sandbox/harness/README.md, "Result document") the platform reads. */
export interface HarnessTestResult {
  id?: string;
  name: string;
  module?: string;
  score: number;
  max_score: number;
  passed: boolean;
  hidden?: boolean;
  status?: string;
  message?: string;
  detail?: string;
  measurements?: Record<string, unknown>;
  duration_ms?: number;
  /** What the judge checked: the answers compared with the reference's, the checks backing the test. */
  evidence?: { answers: number; answers_match: boolean | null; backed_by: string[] };
}

/** The student's output of one process of the run; `hidden` when it ran a hidden test. */
export interface HarnessOutputSection {
  label: string;
  hidden: boolean;
  stdout: string;
  stderr: string;
}

export interface HarnessResult {
  format: 'memgrade-result/1';
  status: 'ok' | 'student_error' | 'plan_error' | 'harness_error';
  /** ok | timeout | memory_limit | crashed | syntax_error | import_error */
  verdict?: string;
  seed?: number;
  student_error?: { kind: string; message: string; detail?: string | null };
  score: number;
  max_score: number;
  tests: HarnessTestResult[];
  flags?: unknown[];
  out_of_process?: unknown[];
  student_output?: { stdout?: string; stderr?: string; truncated?: boolean; sections?: HarnessOutputSection[] };
  warnings?: unknown[];
  harness_version?: string;
  python_version?: string;
  duration_ms?: number;
  /** Where the run's time went (judge clocks per phase and process); for benchmarks and operators. */
  timings?: Record<string, unknown>;
  error?: string;
}

export function isHarnessResult(value: unknown): value is HarnessResult {
  const doc = value as HarnessResult;
  return !!doc && doc.format === 'memgrade-result/1' && Array.isArray(doc.tests) && typeof doc.status === 'string';
}

/**
 * The reference figures of a plan ("reference": key → { rss_peak_mib, tracemalloc_peak_mib }) from
 * graded runs of the reference solution: the median per key and method, as the harness's own
 * `reference` authoring command computes them.
 */
export function referenceFiguresOf(runs: { tests: { measurements?: Record<string, unknown> }[] }[]): Record<string, Record<string, number>> {
  const samples: Record<string, Record<string, number[]>> = {};
  for (const run of runs) {
    for (const test of run.tests) {
      for (const [name, value] of Object.entries(test.measurements ?? {})) {
        const m = value as { key?: unknown; method?: unknown; peak_mib?: unknown };
        if (!name.startsWith('memory') || typeof m !== 'object' || typeof m.key !== 'string' || typeof m.peak_mib !== 'number') continue;
        ((samples[m.key] ??= {})[`${String(m.method)}_peak_mib`] ??= []).push(m.peak_mib);
      }
    }
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  return Object.fromEntries(
    Object.entries(samples).map(([key, methods]) => [key, Object.fromEntries(Object.entries(methods).map(([m, v]) => [m, Math.round(median(v) * 1000) / 1000]))]),
  );
}
