import { ATTR } from '@glassbox/core';
import { assertOptions, type Rule, rules } from '@glassbox/core/instrumentation';
import type { FeedbackRecord } from '@glassbox/evals';
import type { SpanRecord } from '../store/span-record.js';
import { latency, roundUsd } from './percentile.js';
import {
  declaredToolsOf,
  endMsOf,
  errorOf,
  isRewrite,
  modelCallOf,
  num,
  rewriteFlagOf,
  spanTypeOf,
  text,
  toolCallOf,
} from './span-conventions.js';
import type {
  FlaggedRewrite,
  ModelUsage,
  StatsReport,
  StepCost,
  StepErrors,
  StepStats,
  ToolStats,
  TraceCost,
} from './stats-report.js';
import { FeedbackTally, GuardrailTally, PromptTally } from './stats-tallies.js';

/** Options for `computeStats`. */
export interface StatsOptions {
  /** Rows kept in the per-trace lists (cost by trace, flagged rewrites); default 10. */
  top?: number;
  /** Tool names known to exist (a `ToolRegistry`'s), besides those declared in LLM spans. */
  registeredTools?: string[];
  /**
   * A store's feedback records (`TraceStore.feedbackRecords()`), counted with the feedback spans: those
   * made from one of `spans` are counted once.
   */
  feedbackRecords?: Iterable<FeedbackRecord>;
}

const OPTIONS = rules.object({
  top: rules.integer(1, 10_000),
  registeredTools: rules.arrayOf(rules.string()),
  feedbackRecords: rules.custom(
    'an iterable of feedback records',
    (v) => typeof (v as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] === 'function',
  ),
} satisfies Record<keyof StatsOptions, Rule>);

interface Step {
  durations: number[];
  types: Map<string, number>;
  errors: number;
  last?: { atMs: number; traceId: string; message?: string; type?: string };
  calls: number;
  cost: number;
  costed: boolean;
}

interface TraceAcc {
  rootName: string;
  startMs: number;
  rootCost?: number;
  rootIn?: number;
  rootOut?: number;
  cost: number;
  inputTokens: number;
  outputTokens: number;
}

interface Tool {
  durations: number[];
  errors: number;
  lastError?: { atMs: number; message: string };
}

/**
 * Computes the `glassbox stats` report over spans in one pass: latency and errors by step, tokens and
 * cost by model, step and trace, flagged rewrites, tool usage, prompt sizes over time, guardrail decisions
 * and feedback. Spans of any convention (Glassbox, plain OpenTelemetry GenAI, OpenInference, Vercel AI
 * SDK) are read for what they carry; odd values are skipped, never thrown on.
 */
export function computeStats(spans: Iterable<SpanRecord>, options: StatsOptions = {}): StatsReport {
  assertOptions(options, OPTIONS, 'computeStats');
  const top = options.top ?? 10;
  const steps = new Map<string, Step>();
  const traces = new Map<string, TraceAcc>();
  const models = new Map<string, ModelUsage>();
  const tools = new Map<string, Tool>();
  const declared = new Set(options.registeredTools ?? []);
  const services = new Set<string>();
  const prompts = new PromptTally();
  const guardrails = new GuardrailTally();
  const feedback = new FeedbackTally();
  const flagged: FlaggedRewrite[] = [];
  let rewrites = 0;
  let spanCount = 0;
  let errorCount = 0;
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  const totals = { modelCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, costed: false };

  for (const span of spans) {
    spanCount++;
    const a = span.attributes;
    const type = spanTypeOf(a);
    const endMs = endMsOf(span);
    services.add(span.serviceName);
    fromMs = Math.min(fromMs, span.startMs);
    toMs = Math.max(toMs, endMs);

    let step = steps.get(span.name);
    if (step === undefined) {
      step = { durations: [], types: new Map(), errors: 0, calls: 0, cost: 0, costed: false };
      steps.set(span.name, step);
    }
    step.durations.push(span.durationMs);
    step.types.set(type, (step.types.get(type) ?? 0) + 1);
    const failed = span.statusCode === 2;
    if (failed) {
      errorCount++;
      step.errors++;
      if (step.last === undefined || endMs >= step.last.atMs) {
        step.last = { atMs: endMs, traceId: span.traceId, ...errorOf(span) };
      }
    }

    let trace = traces.get(span.traceId);
    if (trace === undefined) {
      trace = { rootName: '', startMs: span.startMs, cost: 0, inputTokens: 0, outputTokens: 0 };
      traces.set(span.traceId, trace);
    }
    if (span.parentSpanId === undefined) {
      trace.rootName = span.name;
      trace.startMs = span.startMs;
      const rootCost = num(a[ATTR.TRACE_COST_USD]);
      if (rootCost !== undefined) trace.rootCost = rootCost;
      const rootIn = num(a[ATTR.TRACE_INPUT_TOKENS]);
      if (rootIn !== undefined) trace.rootIn = rootIn;
      const rootOut = num(a[ATTR.TRACE_OUTPUT_TOKENS]);
      if (rootOut !== undefined) trace.rootOut = rootOut;
    } else if (trace.rootName === '') trace.startMs = Math.min(trace.startMs, span.startMs);

    const call = modelCallOf(span, type);
    if (call !== undefined) {
      totals.modelCalls++;
      totals.inputTokens += call.inputTokens;
      totals.outputTokens += call.outputTokens;
      trace.inputTokens += call.inputTokens;
      trace.outputTokens += call.outputTokens;
      const key = `${call.provider ?? ''}\u0000${call.model}`;
      let usage = models.get(key);
      if (usage === undefined) {
        usage = {
          model: call.model,
          calls: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: null,
          unpricedCalls: 0,
        };
        if (call.provider !== undefined) usage.provider = call.provider;
        models.set(key, usage);
      }
      usage.calls++;
      usage.inputTokens += call.inputTokens;
      usage.outputTokens += call.outputTokens;
      step.calls++;
      if (call.costUsd === undefined) usage.unpricedCalls++;
      else {
        usage.costUsd = (usage.costUsd ?? 0) + call.costUsd;
        step.cost += call.costUsd;
        step.costed = true;
        trace.cost += call.costUsd;
        totals.costUsd += call.costUsd;
        totals.costed = true;
      }
      if (type === 'LLM') for (const name of declaredToolsOf(a)) declared.add(name);
    }

    const tool = toolCallOf(span, type);
    if (tool !== undefined) {
      let t = tools.get(tool);
      if (t === undefined) tools.set(tool, (t = { durations: [], errors: 0 }));
      t.durations.push(span.durationMs);
      if (failed) {
        t.errors++;
        const message = errorOf(span).message;
        if (message !== undefined && (t.lastError === undefined || endMs >= t.lastError.atMs)) {
          t.lastError = { atMs: endMs, message };
        }
      }
    }

    if (isRewrite(span, type)) rewrites++;
    const flag = rewriteFlagOf(span);
    if (flag !== undefined) {
      if (!isRewrite(span, type)) rewrites++;
      const row: FlaggedRewrite = {
        traceId: span.traceId,
        spanId: span.spanId,
        atMs: span.startMs,
        reasons: flag.reasons,
      };
      const original = text(a[ATTR.REWRITE_ORIGINAL]);
      if (original !== undefined) row.original = original;
      const rewritten = text(a[ATTR.REWRITE_REWRITTEN]);
      if (rewritten !== undefined) row.rewritten = rewritten;
      const similarity = num(a[ATTR.REWRITE_SIMILARITY]);
      if (similarity !== undefined) row.similarity = similarity;
      flagged.push(row);
    }

    prompts.add(span);
    guardrails.add(span);
    feedback.add(span);
  }
  // After every span: the tally then knows which records the feedback spans stand for.
  for (const record of options.feedbackRecords ?? []) feedback.addRecord(record);

  return {
    spanCount,
    traceCount: traces.size,
    errorCount,
    services: [...services].sort(),
    fromMs: spanCount === 0 ? null : fromMs,
    toMs: spanCount === 0 ? null : toMs,
    totals: {
      modelCalls: totals.modelCalls,
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
      costUsd: totals.costed ? roundUsd(totals.costUsd) : null,
    },
    steps: stepRows(steps),
    errors: errorRows(steps),
    models: [...models.values()]
      .map((m) => (m.costUsd === null ? m : { ...m, costUsd: roundUsd(m.costUsd) }))
      .sort((x, y) => y.inputTokens + y.outputTokens - (x.inputTokens + x.outputTokens) || y.calls - x.calls),
    costByStep: costRows(steps),
    costByTrace: traceRows(traces, top),
    rewrites: {
      total: rewrites,
      flaggedCount: flagged.length,
      flagged: flagged.sort((x, y) => y.atMs - x.atMs).slice(0, top),
    },
    tools: toolRows(tools, declared),
    prompts: prompts.rows(),
    guardrails: guardrails.rows(),
    feedback: feedback.rows(),
  };
}

function mainType(step: Step): string {
  let best = 'UNKNOWN';
  let most = 0;
  for (const [type, n] of step.types) if (n > most) [best, most] = [type, n];
  return best;
}

function stepRows(steps: Map<string, Step>): StepStats[] {
  const rows: StepStats[] = [];
  for (const [name, step] of steps) {
    const totalMs = step.durations.reduce((s, d) => s + d, 0);
    rows.push({
      name,
      spanType: mainType(step),
      count: step.durations.length,
      errors: step.errors,
      ...latency(step.durations),
      totalMs,
    });
  }
  return rows.sort((x, y) => y.p95Ms - x.p95Ms || y.maxMs - x.maxMs || x.name.localeCompare(y.name));
}

function errorRows(steps: Map<string, Step>): StepErrors[] {
  const rows: StepErrors[] = [];
  for (const [name, step] of steps) {
    if (step.last === undefined) continue;
    const row: StepErrors = {
      name,
      spanType: mainType(step),
      errors: step.errors,
      count: step.durations.length,
      lastTraceId: step.last.traceId,
      lastAtMs: step.last.atMs,
    };
    if (step.last.message !== undefined) row.lastMessage = step.last.message;
    if (step.last.type !== undefined) row.lastErrorType = step.last.type;
    rows.push(row);
  }
  return rows.sort((x, y) => y.errors - x.errors || x.name.localeCompare(y.name));
}

function costRows(steps: Map<string, Step>): StepCost[] {
  const rows: StepCost[] = [];
  for (const [name, step] of steps) {
    if (step.costed)
      rows.push({ name, spanType: mainType(step), calls: step.calls, costUsd: roundUsd(step.cost) });
  }
  return rows.sort((x, y) => y.costUsd - x.costUsd || x.name.localeCompare(y.name));
}

function traceRows(traces: Map<string, TraceAcc>, top: number): TraceCost[] {
  const rows: TraceCost[] = [];
  for (const [traceId, t] of traces) {
    const costUsd = t.rootCost ?? t.cost;
    if (costUsd <= 0 && t.rootCost === undefined) continue;
    rows.push({
      traceId,
      rootName: t.rootName,
      startMs: t.startMs,
      costUsd: roundUsd(costUsd),
      inputTokens: t.rootIn ?? t.inputTokens,
      outputTokens: t.rootOut ?? t.outputTokens,
    });
  }
  return rows.sort((x, y) => y.costUsd - x.costUsd || x.startMs - y.startMs).slice(0, top);
}

function toolRows(tools: Map<string, Tool>, declared: Set<string>): StatsReport['tools'] {
  const called: ToolStats[] = [];
  for (const [name, t] of tools) {
    const row: ToolStats = {
      name,
      calls: t.durations.length,
      errors: t.errors,
      ...latency(t.durations),
      declared: declared.has(name),
    };
    if (t.lastError !== undefined) row.lastError = t.lastError.message;
    called.push(row);
  }
  called.sort((x, y) => y.calls - x.calls || x.name.localeCompare(y.name));
  return {
    called,
    failing: called.filter((t) => t.errors > 0).map((t) => t.name),
    neverCalled: [...declared].filter((name) => !tools.has(name)).sort(),
  };
}
