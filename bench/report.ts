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
