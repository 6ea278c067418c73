/** The nearest-rank percentile (`p` in 0..100) of ascending-sorted values: always one of the values, never interpolated. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** p50, p95 and max of unsorted values (sorted in place). */
export function latency(values: number[]): { p50Ms: number; p95Ms: number; maxMs: number } {
  values.sort((a, b) => a - b);
  return {
    p50Ms: percentile(values, 50),
    p95Ms: percentile(values, 95),
    maxMs: values[values.length - 1] ?? 0,
  };
}

/** A sum of money without the float dust of adding many small prices (12 decimals are far below a cent). */
export function roundUsd(n: number): number {
  // `|| 0` turns -0 into 0.
  return Math.round(n * 1e12) / 1e12 || 0;
}
