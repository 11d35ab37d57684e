// The order statistics the benches print: one definition, so every bench's p50 means the same.

/** The q-quantile (0 ≤ q ≤ 1) of `values` as the element at ⌊q·n⌋ of the sorted values; NaN for none. */
export function quantile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export const median = (values: number[]): number => quantile(values, 0.5);
