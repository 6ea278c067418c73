/** Durations kept per tool for the p95: the most recent ones, so a long-running process stays bounded. */
export const DURATION_SAMPLES = 1024;

/** Running counts and recent durations of one tool. */
export interface ToolStats {
  calls: number;
  errors: number;
  totalMs: number;
  /** A ring buffer of the last `DURATION_SAMPLES` durations. */
  recentMs: number[];
}

// Kept beside the tool rather than in a registry, so calls made through `tool.execute` count too, and a
// registry created per request does not stay reachable from long-lived tools.
const statsByTool = new WeakMap<object, ToolStats>();

/** Records one finished run of a tool. */
export function recordToolRun(tool: object, durationMs: number, ok: boolean): void {
  let stats = statsByTool.get(tool);
  if (stats === undefined) {
    stats = { calls: 0, errors: 0, totalMs: 0, recentMs: [] };
    statsByTool.set(tool, stats);
  }
  if (stats.recentMs.length < DURATION_SAMPLES) stats.recentMs.push(durationMs);
  else stats.recentMs[stats.calls % DURATION_SAMPLES] = durationMs;
  stats.calls++;
  stats.totalMs += durationMs;
  if (!ok) stats.errors++;
}

/** The stats of a tool, or undefined if it never ran. */
export function toolStats(tool: object): Readonly<ToolStats> | undefined {
  return statsByTool.get(tool);
}

/** The 95th percentile (nearest rank) of a list of durations, 0 for an empty list. */
export function p95(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(0.95 * sorted.length) - 1)]!;
}
