import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { EvalDataError } from './dataset.js';
import type { FeedbackSource } from './records.js';
import type { ScoreValue, ValueType } from './scorer.js';

/** One scorer's result on one example. */
export interface ExampleScore {
  value?: ScoreValue;
  rationale?: string;
  error?: string;
  errorType?: string;
  source: FeedbackSource;
}

/** One example's outcome in a run. */
export interface ExampleResult {
  id: string;
  /** The trace the results were recorded on (the example's run, or the re-judged production trace). */
  traceId?: string;
  spanId?: string;
  /** The task's failure (or `timed out after ...`); its scorers then did not run. */
  error?: string;
  scores: Record<string, ExampleScore>;
  durationMs: number;
  /** USD of the judges' model calls in this example's trace (with `traces`, when their spans carry a cost). */
  judgeCostUsd?: number;
}

/** One scorer's results over the run. */
export interface ScorerSummary {
  name: string;
  kind: 'pass_fail' | 'number' | 'labels' | 'mixed' | 'none';
  /** Examples that got a value. */
  count: number;
  /** Examples where the scorer (or judge) itself failed. */
  errors: number;
  /** Examples not scored because their task failed. */
  skipped: number;
  passed?: number;
  failed?: number;
  /** passed / (passed + failed), for pass/fail scores. */
  passRate?: number;
  mean?: number;
  min?: number;
  max?: number;
  /** Label counts, for label scores. */
  labels?: Record<string, number>;
  /** Failed examples (pass/fail false), with the rationale. */
  failures: { exampleId: string; value: ScoreValue; rationale?: string }[];
  /** The scorer's errors, by example. */
  errorList: { exampleId: string; error: string }[];
}

/** An example that got worse than in the baseline (`missing`: scored in the baseline, absent from this run). */
export interface Regression {
  exampleId: string;
  scorer: string;
  kind: 'now_fails' | 'score_dropped' | 'now_errors' | 'missing';
  before: ScoreValue | null;
  after: ScoreValue | null;
  /** The rationale (or error) of the new result. */
  reason?: string;
}

/** A score whose label changed since the baseline (reported, not a regression: no label is "better"). */
export interface ScoreChange {
  exampleId: string;
  scorer: string;
  before: string;
  after: string;
  rationale?: string;
}

/** What `evaluate` returns and writes to `out`. */
export interface EvalSummary {
  runId: string;
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  examples: number;
  /** Examples whose task failed or timed out. */
  taskErrors: number;
  /** Task errors plus every scorer error. */
  errors: number;
  scorers: ScorerSummary[];
  results: ExampleResult[];
  /** USD of every judge model call of the run (see `ExampleResult.judgeCostUsd`); absent when unknown. */
  judgeCostUsd?: number;
  /** Empty without a baseline. */
  regressions: Regression[];
  /** Label changes against the baseline; absent without one. */
  changes?: ScoreChange[];
  baseline?: { runId: string; examples: number };
}

/** Builds the per-scorer summaries of a run's results. */
export function summarizeScorers(
  names: readonly { name: string; valueType?: ValueType }[],
  results: readonly ExampleResult[],
): ScorerSummary[] {
  return names.map(({ name, valueType }) => {
    const s: ScorerSummary = {
      name,
      kind: 'none',
      count: 0,
      errors: 0,
      skipped: 0,
      failures: [],
      errorList: [],
    };
    const values: { id: string; score: ExampleScore & { value: ScoreValue } }[] = [];
    for (const result of results) {
      const score = result.scores[name];
      if (!score) continue;
      if (score.errorType === 'task_failed') s.skipped++;
      else if (score.error !== undefined) {
        s.errors++;
        s.errorList.push({ exampleId: result.id, error: score.error });
      } else if (score.value !== undefined)
        values.push({ id: result.id, score: score as ExampleScore & { value: ScoreValue } });
    }
    s.count = values.length;
    const kinds = new Set(values.map((v) => typeof v.score.value));
    s.kind =
      valueType === 'pass_fail'
        ? 'pass_fail'
        : typeof valueType === 'object'
          ? valueType.type === 'number'
            ? 'number'
            : 'labels'
          : kinds.size === 0
            ? 'none'
            : kinds.size > 1
              ? 'mixed'
              : kinds.has('boolean')
                ? 'pass_fail'
                : kinds.has('number')
                  ? 'number'
                  : 'labels';
    const booleans = values.filter((v) => typeof v.score.value === 'boolean');
    if (booleans.length > 0 || s.kind === 'pass_fail') {
      s.passed = booleans.filter((v) => v.score.value === true).length;
      s.failed = booleans.length - s.passed;
      s.passRate = booleans.length === 0 ? 0 : s.passed / booleans.length;
      for (const v of booleans)
        if (v.score.value === false)
          s.failures.push({
            exampleId: v.id,
            value: false,
            ...(v.score.rationale ? { rationale: v.score.rationale } : {}),
          });
    }
    const numbers = values.map((v) => v.score.value).filter((v): v is number => typeof v === 'number');
    if (numbers.length > 0) {
      s.mean = numbers.reduce((a, b) => a + b, 0) / numbers.length;
      s.min = Math.min(...numbers);
      s.max = Math.max(...numbers);
    }
    const labels = values.map((v) => v.score.value).filter((v): v is string => typeof v === 'string');
    if (labels.length > 0) {
      s.labels = {};
      for (const label of labels) s.labels[label] = (s.labels[label] ?? 0) + 1;
    }
    return s;
  });
}

const SUMMARY = z.looseObject({
  runId: z.string(),
  results: z.array(
    z.looseObject({
      id: z.string(),
      scores: z.record(
        z.string(),
        z.looseObject({
          value: z.union([z.boolean(), z.number(), z.string()]).optional(),
          error: z.string().optional(),
        }),
      ),
    }),
  ),
});

/** Reads a baseline: a summary object, or the path of a summary written by `evaluate({ out })`. */
export async function loadBaseline(baseline: EvalSummary | string): Promise<EvalSummary> {
  let value: unknown = baseline;
  const where = typeof baseline === 'string' ? baseline : 'baseline';
  if (typeof baseline === 'string') {
    try {
      value = JSON.parse(await readFile(baseline, 'utf8'));
    } catch (error) {
      throw new EvalDataError(`cannot read the baseline ${baseline}: ${(error as Error).message}`);
    }
  }
  const parsed = SUMMARY.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EvalDataError(
      `the baseline ${where} is not an evaluate() summary: ${issue.path.join('.') || 'summary'}: ${issue.message}`,
    );
  }
  return value as EvalSummary;
}

/**
 * The examples that got worse: passed and now fail, scored lower, scored before and now errored, or scored
 * in the baseline and missing from this run.
 */
export function findRegressions(current: readonly ExampleResult[], baseline: EvalSummary): Regression[] {
  const before = new Map(baseline.results.map((r) => [r.id, r]));
  const ids = new Set(current.map((r) => r.id));
  const out: Regression[] = [];
  for (const old of baseline.results) {
    if (ids.has(old.id)) continue;
    for (const [scorer, prev] of Object.entries(old.scores))
      if (prev.value !== undefined && prev.error === undefined)
        out.push({
          exampleId: old.id,
          scorer,
          kind: 'missing',
          before: prev.value,
          after: null,
          reason: 'not in this run',
        });
  }
  for (const result of current) {
    const old = before.get(result.id);
    if (!old) continue;
    for (const [scorer, score] of Object.entries(result.scores)) {
      const prev = old.scores[scorer];
      if (prev?.value === undefined || prev.error !== undefined) continue;
      const after = score.error === undefined ? (score.value ?? null) : null;
      let kind: Regression['kind'] | undefined;
      if (after === null) kind = 'now_errors';
      else if (prev.value === true && after === false) kind = 'now_fails';
      else if (typeof prev.value === 'number' && typeof after === 'number' && after < prev.value)
        kind = 'score_dropped';
      if (kind) {
        const reason = score.error ?? score.rationale;
        out.push({
          exampleId: result.id,
          scorer,
          kind,
          before: prev.value,
          after,
          ...(reason ? { reason } : {}),
        });
      }
    }
  }
  return out;
}

/** The label scores that changed since the baseline (string value to a different string value). */
export function findChanges(current: readonly ExampleResult[], baseline: EvalSummary): ScoreChange[] {
  const before = new Map(baseline.results.map((r) => [r.id, r]));
  const out: ScoreChange[] = [];
  for (const result of current)
    for (const [scorer, score] of Object.entries(result.scores)) {
      const prev = before.get(result.id)?.scores[scorer];
      if (typeof prev?.value !== 'string' || prev.error !== undefined) continue;
      if (score.error !== undefined || typeof score.value !== 'string' || score.value === prev.value)
        continue;
      out.push({
        exampleId: result.id,
        scorer,
        before: prev.value,
        after: score.value,
        ...(score.rationale ? { rationale: score.rationale } : {}),
      });
    }
  return out;
}

/** A summary as a text table, then the failures, errors and regressions. */
export function formatSummary(summary: EvalSummary): string {
  const rows = [['scorer', 'kind', 'result', 'errors', 'skipped']];
  for (const s of summary.scorers)
    rows.push([s.name, s.kind, resultText(s), String(s.errors), String(s.skipped)]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    `eval run ${summary.runId}: ${summary.examples} examples, ${summary.errors} errors` +
      (summary.taskErrors > 0 ? ` (${summary.taskErrors} task errors)` : '') +
      `, ${Math.round(summary.durationMs)} ms` +
      (summary.judgeCostUsd !== undefined ? `, judges $${summary.judgeCostUsd.toFixed(6)}` : ''),
    '',
    line(rows[0]!),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.slice(1).map(line),
  ];
  const failures = summary.scorers.flatMap((s) =>
    s.failures.map((f) => `  ${s.name} ✗ ${f.exampleId}: ${f.rationale ?? '(no rationale)'}`),
  );
  if (failures.length > 0) out.push('', 'failures:', ...failures);
  const errors = [
    ...summary.results.filter((r) => r.error).map((r) => `  task ! ${r.id}: ${r.error}`),
    ...summary.scorers.flatMap((s) => s.errorList.map((e) => `  ${s.name} ! ${e.exampleId}: ${e.error}`)),
  ];
  if (errors.length > 0) out.push('', 'errors:', ...errors);
  if (summary.baseline) {
    out.push('', `against baseline ${summary.baseline.runId}: ${summary.regressions.length} regression(s)`);
    for (const r of summary.regressions)
      out.push(
        `  ${r.scorer} ↓ ${r.exampleId}: ${r.kind} (${show(r.before)} → ${r.kind === 'missing' ? 'missing' : show(r.after)})${r.reason ? `: ${r.reason}` : ''}`,
      );
    for (const c of summary.changes ?? [])
      out.push(
        `  ${c.scorer} ~ ${c.exampleId}: changed (${c.before} → ${c.after})${c.rationale ? `: ${c.rationale}` : ''}`,
      );
  }
  return `${out.join('\n')}\n`;
}

function resultText(s: ScorerSummary): string {
  const parts: string[] = [];
  if (s.passRate !== undefined)
    parts.push(`${s.passed}/${(s.passed ?? 0) + (s.failed ?? 0)} passed (${(s.passRate * 100).toFixed(1)}%)`);
  if (s.mean !== undefined) parts.push(`mean ${round(s.mean)} (min ${round(s.min!)}, max ${round(s.max!)})`);
  if (s.labels)
    parts.push(
      Object.entries(s.labels)
        .map(([label, n]) => `${label} ${n}`)
        .join(', '),
    );
  return parts.join('; ') || '-';
}

const round = (n: number) => String(Math.round(n * 1000) / 1000);
const show = (v: ScoreValue | null) =>
  v === null ? 'error' : typeof v === 'boolean' ? (v ? 'pass' : 'fail') : String(v);
