import type { StatsReport } from './stats-report.js';
import { cell, table } from './text-table.js';

/** Options for `formatStats`. */
export interface FormatStatsOptions {
  /** Rows shown per table before "… N more"; default 15. */
  maxRows?: number;
}

/** Thousands separators, without depending on the machine's locale. */
export function formatCount(n: number): string {
  const [int, frac] = String(Math.round(n * 1000) / 1000).split('.');
  return int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac ? `.${frac}` : '');
}

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(3)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export function formatUsd(usd: number | null): string {
  if (usd === null) return '-';
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  if (usd >= 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(6)}`;
}

function formatTime(ms: number): string {
  return Number.isFinite(ms)
    ? new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z')
    : '-';
}

/** The `glassbox stats` report as plain text: a summary line, then one aligned table per section. */
export function formatStats(report: StatsReport, options: FormatStatsOptions = {}): string {
  const maxRows = options.maxRows ?? 15;
  const out: string[] = [];
  const section = (title: string, lines: string[], total: number, shown: number) => {
    out.push('', title);
    if (lines.length === 0) out.push('  (none)');
    else out.push(...lines);
    if (total > shown) out.push(`  … ${formatCount(total - shown)} more`);
  };
  const limit = <T>(rows: readonly T[]) => rows.slice(0, maxRows);

  const errors = report.errorCount === 1 ? '1 error' : `${formatCount(report.errorCount)} errors`;
  out.push(
    `Glassbox stats: ${formatCount(report.spanCount)} spans in ${formatCount(report.traceCount)} traces (${errors})`,
  );
  if (report.spanCount > 0) {
    out.push(`  services: ${report.services.map((s) => cell(s)).join(', ')}`);
    out.push(`  from ${formatTime(report.fromMs ?? Number.NaN)} to ${formatTime(report.toMs ?? Number.NaN)}`);
  }
  const t = report.totals;
  out.push(
    `  model calls: ${formatCount(t.modelCalls)}, tokens in ${formatCount(t.inputTokens)} / out ${formatCount(t.outputTokens)}, cost ${formatUsd(t.costUsd)}`,
  );

  const steps = limit(report.steps);
  section(
    'Slowest steps (by p95)',
    steps.length === 0
      ? []
      : table(
          [{ heading: 'STEP' }, { heading: 'TYPE' }, ...['COUNT', 'ERRORS', 'P50', 'P95', 'MAX'].map(num)],
          steps.map((s) => [
            s.name,
            s.spanType,
            formatCount(s.count),
            formatCount(s.errors),
            formatMs(s.p50Ms),
            formatMs(s.p95Ms),
            formatMs(s.maxMs),
          ]),
        ),
    report.steps.length,
    steps.length,
  );

  const failures = limit(report.errors);
  section(
    'Errors by step',
    failures.length === 0
      ? []
      : table(
          [
            { heading: 'STEP' },
            { heading: 'TYPE' },
            num('ERRORS'),
            num('OF'),
            { heading: 'LAST ERROR', maxWidth: 80 },
          ],
          failures.map((e) => [
            e.name,
            e.spanType,
            formatCount(e.errors),
            formatCount(e.count),
            [e.lastErrorType, e.lastMessage].filter(Boolean).join(': ') || '-',
          ]),
        ),
    report.errors.length,
    failures.length,
  );

  const models = limit(report.models);
  section(
    'Tokens by model',
    models.length === 0
      ? []
      : table(
          [
            { heading: 'MODEL' },
            { heading: 'PROVIDER' },
            ...['CALLS', 'INPUT', 'OUTPUT', 'COST', 'UNPRICED'].map(num),
          ],
          models.map((m) => [
            m.model,
            m.provider ?? '-',
            formatCount(m.calls),
            formatCount(m.inputTokens),
            formatCount(m.outputTokens),
            formatUsd(m.costUsd),
            formatCount(m.unpricedCalls),
          ]),
        ),
    report.models.length,
    models.length,
  );

  const stepCost = limit(report.costByStep);
  section(
    'Cost by step',
    stepCost.length === 0
      ? []
      : table(
          [{ heading: 'STEP' }, { heading: 'TYPE' }, num('CALLS'), num('COST')],
          stepCost.map((s) => [s.name, s.spanType, formatCount(s.calls), formatUsd(s.costUsd)]),
        ),
    report.costByStep.length,
    stepCost.length,
  );

  const traceCost = limit(report.costByTrace);
  section(
    'Most expensive traces',
    traceCost.length === 0
      ? []
      : table(
          [
            { heading: 'TRACE' },
            { heading: 'ROOT' },
            { heading: 'STARTED' },
            ...['INPUT', 'OUTPUT', 'COST'].map(num),
          ],
          traceCost.map((c) => [
            c.traceId,
            c.rootName || '(no root span)',
            formatTime(c.startMs),
            formatCount(c.inputTokens),
            formatCount(c.outputTokens),
            formatUsd(c.costUsd),
          ]),
        ),
    report.costByTrace.length,
    traceCost.length,
  );

  const rw = report.rewrites;
  const flagged = limit(rw.flagged);
  section(
    `Flagged rewrites (${formatCount(rw.flaggedCount)} of ${formatCount(rw.total)} rewrites)`,
    flagged.length === 0
      ? []
      : table(
          [
            { heading: 'TRACE' },
            { heading: 'ORIGINAL → REWRITTEN', maxWidth: 70 },
            num('SIMILARITY'),
            { heading: 'REASONS', maxWidth: 60 },
          ],
          flagged.map((f) => [
            f.traceId,
            f.original !== undefined || f.rewritten !== undefined
              ? `${JSON.stringify(f.original ?? '')} → ${JSON.stringify(f.rewritten ?? '')}`
              : '(content not captured)',
            f.similarity === undefined ? '-' : f.similarity.toFixed(2),
            f.reasons.join(', ') || '-',
          ]),
        ),
    rw.flaggedCount,
    flagged.length,
  );

  const tools = report.tools;
  const called = limit(tools.called);
  const toolLines =
    called.length === 0
      ? []
      : table(
          [
            { heading: 'TOOL' },
            ...['CALLS', 'ERRORS', 'P50', 'P95'].map(num),
            { heading: 'DECLARED' },
            { heading: 'LAST ERROR', maxWidth: 60 },
          ],
          called.map((c) => [
            c.name,
            formatCount(c.calls),
            formatCount(c.errors),
            formatMs(c.p50Ms),
            formatMs(c.p95Ms),
            c.declared ? 'yes' : 'no',
            c.lastError ?? '',
          ]),
        );
  section('Tool usage', toolLines, tools.called.length, called.length);
  out.push(`  failing: ${names(tools.failing)}`, `  never called: ${names(tools.neverCalled)}`);

  const prompts = limit(report.prompts);
  section(
    'Prompt sizes over time (rendered characters)',
    prompts.length === 0
      ? []
      : table(
          [
            { heading: 'PROMPT' },
            { heading: 'VERSION' },
            num('RENDERS'),
            { heading: 'FIRST SEEN' },
            { heading: 'LAST SEEN' },
            ...['FIRST', 'LAST', 'MIN', 'MAX', 'GROWTH'].map(num),
          ],
          prompts.map((p) => [
            p.name,
            p.version || '-',
            formatCount(p.renders),
            formatTime(p.firstSeenMs),
            formatTime(p.lastSeenMs),
            size(p.firstLength),
            size(p.lastLength),
            size(p.minLength),
            size(p.maxLength),
            p.growth === null ? '-' : `${p.growth > 0 ? '+' : ''}${formatCount(p.growth)}`,
          ]),
        ),
    report.prompts.length,
    prompts.length,
  );

  const guards = limit(report.guardrails);
  section(
    'Guardrail decisions',
    guards.length === 0
      ? []
      : table(
          [
            { heading: 'GUARDRAIL' },
            ...['TOTAL', 'PASS', 'BLOCK', 'MODIFY', 'OTHER'].map(num),
            { heading: 'LAST BLOCK REASON', maxWidth: 60 },
          ],
          guards.map((g) => [
            g.name,
            ...[g.total, g.pass, g.block, g.modify, g.other].map(formatCount),
            g.lastBlockReason ?? '',
          ]),
        ),
    report.guardrails.length,
    guards.length,
  );

  const feedback = limit(report.feedback);
  section(
    'Feedback and evaluations',
    feedback.length === 0
      ? []
      : table(
          [
            { heading: 'NAME' },
            { heading: 'KIND' },
            ...['COUNT', 'UP', 'DOWN', 'MEAN'].map(num),
            { heading: 'LABELS', maxWidth: 60 },
          ],
          feedback.map((f) => [
            f.name,
            f.kind,
            formatCount(f.count),
            formatCount(f.positive),
            formatCount(f.negative),
            f.mean === null ? '-' : formatCount(f.mean),
            f.labels.map((l) => `${l.label} ×${l.count}`).join(', '),
          ]),
        ),
    report.feedback.length,
    feedback.length,
  );
  return `${out.join('\n')}\n`;
}

function num(heading: string) {
  return { heading, numeric: true };
}

function size(n: number | null): string {
  return n === null ? '-' : formatCount(n);
}

function names(list: readonly string[]): string {
  return list.length === 0 ? '(none)' : list.map((n) => cell(n)).join(', ');
}
