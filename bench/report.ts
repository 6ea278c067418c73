/**
 * What a scenario hands back, the targets of issue 8, and the tables printed to the terminal and
 * recorded in bench/README.md.
 */
import type { VariantResult } from './harness.js';

/** One timed comparison (one workload, several variants). */
export interface CaseReport {
  id: string;
  title: string;
  /** What one sample time is divided by. */
  unit: 'call' | 'item' | 'request';
  /** The clock of the table (see harness.ts): process CPU time unless the case waits on I/O. */
  clock?: 'cpu' | 'wall';
  /** `forced-gc`: issue 14's measurement (`pnpm bench -- --gc`), with its own table (both clocks, bytes/call). */
  mode?: 'forced-gc';
  results: VariantResult[];
  targets: TargetCheck[];
  notes: string[];
}

/** One scenario process's results. */
export interface ScenarioReport {
  scenario: string;
  cases: CaseReport[];
  /** Figures that are not a timing table (memory under a dead backend). */
  extra?: Record<string, unknown>;
  /** Set when the scenario could not run; the reason is printed instead of a table. */
  skipped?: string;
  /** Non-loopback connections attempted (must be empty). */
  blockedConnections: string[];
}

export interface TargetCheck {
  description: string;
  value: number;
  limit: number;
  unit: string;
  met: boolean;
}

export function atMost(description: string, value: number, limit: number, unit: string): TargetCheck {
  return { description, value, limit, unit, met: value <= limit };
}

export function below(description: string, value: number, limit: number, unit: string): TargetCheck {
  return { description, value, limit, unit, met: value < limit };
}

/** The Glassbox row of a case (every timed case has one). */
export function glassboxRow(results: VariantResult[]): VariantResult {
  const row = results.find((r) => r.name === 'glassbox');
  if (!row) throw new Error('no glassbox row');
  return row;
}

/** `flat and nested overhead at most 1.0x raw OpenTelemetry`, and the like. */
export function overheadRatioTarget(results: VariantResult[], limit: number): TargetCheck {
  const ratio = glassboxRow(results).overheadRatio ?? Number.NaN;
  return atMost(`Glassbox overhead <= ${limit}x raw OpenTelemetry's`, round(ratio, 2), limit, 'x');
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  const abs = Math.abs(ns);
  if (abs >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (abs >= 1e4) return `${(ns / 1e3).toFixed(1)} µs`;
  if (abs >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '—' : `${ratio.toFixed(2)}x`;
}

function formatBytes(bytes: number | null): string {
  return bytes === null ? '—' : `${bytes.toFixed(0)} B`;
}

/** A markdown table: one row per variant. */
export function caseTable(report: CaseReport): string {
  if (report.mode === 'forced-gc') return forcedGcTable(report);
  const header = `| variant | median ${report.clock === 'wall' ? 'wall' : 'CPU'} time / ${report.unit} | IQR | overhead vs plain | overhead ratio vs raw OTel | time ratio vs raw OTel | spans | captured chars/span | retained heap/${report.unit === 'request' ? 'request' : 'call'} |`;
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|';
  const rows = report.results.map((r) =>
    [
      r.name,
      formatNs(r.medianNs),
      formatNs(r.iqrNs),
      r.name === 'plain' ? '—' : formatNs(r.overheadNs),
      r.name === 'plain' ? '—' : formatRatio(r.overheadRatio),
      formatRatio(r.timeRatio),
      `${r.spansExported}`,
      `${r.capturedChars}`,
      formatBytes(r.retainedBytesPerCall),
    ].join(' | '),
  );
  return [header, rule, ...rows.map((row) => `| ${row} |`)].join('\n');
}

function formatAllocation(r: VariantResult, plain: VariantResult | undefined): [string, string] {
  const a = r.allocation;
  if (!a) return ['—', '—'];
  const spread =
    a.maxBytesPerCall - a.minBytesPerCall >= 1
      ? ` (${a.minBytesPerCall.toFixed(0)}-${a.maxBytesPerCall.toFixed(0)})`
      : '';
  const net =
    r.name === 'plain' || !plain?.allocation
      ? '—'
      : `${(a.bytesPerCall - plain.allocation.bytesPerCall).toFixed(0)} B`;
  return [`${a.bytesPerCall.toFixed(0)} B${spread}`, net];
}

/** The forced-GC table: wall time (the scenario's clock) with the CPU figures beside, and bytes per call. */
function forcedGcTable(report: CaseReport): string {
  const unit = report.unit;
  const header = `| variant | median wall / ${unit} (incl. flush) | IQR | wall overhead vs plain | wall overhead ratio vs raw OTel | CPU overhead vs plain | CPU overhead ratio vs raw OTel | bytes allocated / ${unit} (range) | bytes above plain | bytes / ${unit} right after a full GC | GCs / sample | GC pause / ${unit} | spans | captured chars/span |`;
  const rule = '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|';
  const plain = report.results.find((r) => r.name === 'plain');
  const rows = report.results.map((r) => {
    const [bytes, net] = formatAllocation(r, plain);
    const isPlain = r.name === 'plain';
    return [
      r.name,
      formatNs(r.wallMedianNs),
      formatNs(r.iqrNs),
      isPlain ? '—' : formatNs(r.wallOverheadNs),
      isPlain ? '—' : formatRatio(r.wallOverheadRatio),
      isPlain ? '—' : formatNs(r.cpuOverheadNs),
      isPlain ? '—' : formatRatio(r.cpuOverheadRatio),
      bytes,
      net,
      r.allocationAfterFullGc ? `${r.allocationAfterFullGc.bytesPerCall.toFixed(0)} B` : '—',
      r.gcsPerSample === undefined ? '—' : `${r.gcsPerSample}`,
      r.gcNsPerCall === undefined ? '—' : formatNs(r.gcNsPerCall),
      `${r.spansExported}`,
      `${r.capturedChars}`,
    ].join(' | ');
  });
  return [header, rule, ...rows.map((row) => `| ${row} |`)].join('\n');
}

export function targetLines(targets: TargetCheck[]): string[] {
  return targets.map(
    (t) => `- ${t.met ? 'MET' : 'MISSED'}: ${t.description}: ${t.value}${t.unit} (limit ${t.limit}${t.unit})`,
  );
}

/** The whole run as markdown: one section per case. */
export function markdown(reports: ScenarioReport[]): string {
  const out: string[] = [];
  for (const report of reports) {
    if (report.skipped) {
      out.push(`### ${report.scenario}\n\nSkipped: ${report.skipped}\n`);
      continue;
    }
    for (const c of report.cases) {
      out.push(`### ${c.title}\n`);
      out.push(caseTable(c));
      out.push('');
      out.push(...targetLines(c.targets));
      for (const note of c.notes) out.push(`- ${note}`);
      for (const r of c.results) if (r.note) out.push(`- ${r.name}: ${r.note}`);
      out.push('');
    }
    if (report.extra) {
      out.push(`### ${report.scenario}\n`);
      out.push('```json', JSON.stringify(report.extra, null, 2), '```', '');
    }
  }
  return out.join('\n');
}

/** Median and range of one figure over several runs. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

function spread(values: number[]): Spread | null {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return null;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  const median = (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** One variant of one case over several runs (each run a fresh scenario process). */
export interface RunsRow {
  case: string;
  variant: string;
  wallOverheadNs: Spread | null;
  wallOverheadRatio: Spread | null;
  cpuOverheadNs: Spread | null;
  cpuOverheadRatio: Spread | null;
  bytesPerCall: Spread | null;
  bytesAbovePlain: Spread | null;
  /** Bytes per call in windows right after a full GC (re-optimisation included). */
  bytesAfterFullGc: Spread | null;
}

/** Gathers the same case from every run: median and range of each figure over the runs. */
export function summarizeRuns(runs: ScenarioReport[][]): { cases: string[]; rows: RunsRow[] } {
  const byCase = new Map<string, CaseReport[]>();
  for (const run of runs)
    for (const report of run)
      for (const c of report.cases) {
        const list = byCase.get(c.id) ?? [];
        list.push(c);
        byCase.set(c.id, list);
      }
  const rows: RunsRow[] = [];
  for (const [id, cases] of byCase) {
    const variants = cases[0]!.results.map((r) => r.name);
    for (const name of variants) {
      const pick = (f: (r: VariantResult, plain: VariantResult) => number | null | undefined) =>
        spread(
          cases.flatMap((c) => {
            const r = c.results.find((x) => x.name === name);
            const plain = c.results.find((x) => x.name === 'plain');
            const v = r && plain ? f(r, plain) : undefined;
            return v === null || v === undefined ? [] : [v];
          }),
        );
      const isPlain = name === 'plain';
      rows.push({
        case: id,
        variant: name,
        wallOverheadNs: isPlain ? null : pick((r) => r.wallOverheadNs),
        wallOverheadRatio: isPlain ? null : pick((r) => r.wallOverheadRatio),
        cpuOverheadNs: isPlain ? null : pick((r) => r.cpuOverheadNs),
        cpuOverheadRatio: isPlain ? null : pick((r) => r.cpuOverheadRatio),
        bytesPerCall: pick((r) => r.allocation?.bytesPerCall),
        bytesAbovePlain: isPlain
          ? null
          : pick((r, plain) =>
              r.allocation && plain.allocation
                ? r.allocation.bytesPerCall - plain.allocation.bytesPerCall
                : null,
            ),
        bytesAfterFullGc: pick((r) => r.allocationAfterFullGc?.bytesPerCall),
      });
    }
  }
  return { cases: [...byCase.keys()], rows };
}

function formatSpread(s: Spread | null, format: (v: number) => string): string {
  if (!s) return '—';
  return s.runs > 1 ? `${format(s.median)} (${format(s.min)}-${format(s.max)})` : format(s.median);
}

const ratioText = (v: number) => `${v.toFixed(2)}x`;
const bytesText = (v: number) => `${v.toFixed(0)} B`;

/** Forced-GC summary over runs: a headline table (Glassbox vs raw OTel) and one table per case. */
export function runsMarkdown(
  summary: { cases: string[]; rows: RunsRow[] },
  titles: Record<string, string>,
  limits: Record<string, number>,
): string {
  const out: string[] = [];
  const runs = summary.rows.find((r) => r.wallOverheadRatio)?.wallOverheadRatio?.runs ?? 0;
  out.push(`Median over ${runs} run(s), (range) across runs; each run is a fresh scenario process.\n`);
  out.push(
    '| case | Glassbox wall overhead ratio | target | met (median)? | Glassbox CPU overhead ratio | Glassbox bytes/call | raw OTel bytes/call | plain bytes/call | Glassbox / raw OTel bytes/call right after a full GC |',
  );
  out.push('|---|---:|---:|---|---:|---:|---:|---:|---:|');
  for (const id of summary.cases) {
    const row = (v: string) => summary.rows.find((r) => r.case === id && r.variant === v);
    const gb = row('glassbox');
    const limit = limits[id];
    const met =
      limit === undefined || !gb?.wallOverheadRatio
        ? '—'
        : gb.wallOverheadRatio.median <= limit
          ? 'yes'
          : 'no';
    out.push(
      `| ${id} | ${formatSpread(gb?.wallOverheadRatio ?? null, ratioText)} | ${limit === undefined ? '—' : `≤ ${limit}x`} | ${met} | ${formatSpread(gb?.cpuOverheadRatio ?? null, ratioText)} | ${formatSpread(gb?.bytesPerCall ?? null, bytesText)} | ${formatSpread(row('raw-otel')?.bytesPerCall ?? null, bytesText)} | ${formatSpread(row('plain')?.bytesPerCall ?? null, bytesText)} | ${formatSpread(gb?.bytesAfterFullGc ?? null, bytesText)} / ${formatSpread(row('raw-otel')?.bytesAfterFullGc ?? null, bytesText)} |`,
    );
  }
  out.push('');
  for (const id of summary.cases) {
    out.push(`### ${titles[id] ?? id}\n`);
    out.push(
      '| variant | wall overhead vs plain | wall overhead ratio vs raw OTel | CPU overhead vs plain | CPU overhead ratio vs raw OTel | bytes allocated / call | bytes above plain | bytes / call right after a full GC |',
    );
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of summary.rows.filter((x) => x.case === id)) {
      out.push(
        `| ${r.variant} | ${formatSpread(r.wallOverheadNs, formatNs)} | ${formatSpread(r.wallOverheadRatio, ratioText)} | ${formatSpread(r.cpuOverheadNs, formatNs)} | ${formatSpread(r.cpuOverheadRatio, ratioText)} | ${formatSpread(r.bytesPerCall, bytesText)} | ${formatSpread(r.bytesAbovePlain, bytesText)} | ${formatSpread(r.bytesAfterFullGc, bytesText)} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
