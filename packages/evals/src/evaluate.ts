import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ATTR, GlassboxConfigError, logFeedback, SpanType, withSpan } from '@glassbox/core';
import { assertOptions, rules } from '@glassbox/core/instrumentation';
import { isValidTraceId, ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api';
import { type EvalExample, type ExampleInput, loadExamples } from './dataset.js';
import { judgeCost, roundUsd } from './judge-cost.js';
import { isScoreFailure, isScorer, messageOf, type ScoreResult, type Scorer, typeOf } from './scorer.js';
import type { SpanCollector } from './span-collector.js';
import {
  type EvalSummary,
  type ExampleResult,
  type ExampleScore,
  findChanges,
  findRegressions,
  formatSummary,
  loadBaseline,
  summarizeScorers,
} from './summary.js';
import { type TraceSpanLike, toPlainSpan } from './trace-text.js';

/** What a task gets besides the example's inputs. */
export interface TaskContext {
  example: EvalExample;
  /**
   * Aborted when the example's time is up: pass it on to model clients and fetches, and stop when it fires
   * (evaluate holds the example's slot until the task settles, for at most `graceMs`).
   */
  signal: AbortSignal;
}

/** Where judges' `{{ trace }}` comes from for examples run by a task. */
export type TraceSource = SpanCollector | { spans(): readonly TraceSpanLike[] };

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Examples, or the path of a JSONL dataset (the viewer's export) or a trace file (`jsonFileExporter`). */
  data: readonly ExampleInput[] | string;
  /** Produces an example's outputs from its inputs; without it, outputs come from the data. */
  task?: (inputs: any, context: TaskContext) => unknown;
  /** Judges and code scorers. */
  scorers: readonly Scorer[];
  /** Examples run at once (default 4). */
  concurrency?: number;
  /** Time for one example, task and scorers together (default 60000). */
  timeoutMs?: number;
  /** After a timeout, how long the example (its concurrency slot, its root span) waits for the aborted step to settle (default 1000). */
  graceMs?: number;
  /** Default: a random UUID. */
  runId?: string;
  /** A previous summary (or its JSON file) to report regressions against. */
  baseline?: EvalSummary | string;
  /** Writes the summary as JSON to this path. */
  out?: string;
  /** Spans of the task runs for `{{ trace }}`: a `spanCollector()` added to `init`, or an `InMemoryExporter`. */
  traces?: TraceSource;
  /** Writes `formatSummary`'s table at the end: `true` to stdout, or to this stream (default false). */
  print?: boolean | NodeJS.WritableStream;
}

const OPTIONS = rules.object(
  {
    data: rules.custom(
      'an array of examples or a file path',
      (v) => Array.isArray(v) || (typeof v === 'string' && v !== ''),
    ),
    task: rules.func(),
    scorers: rules.custom(
      'a non-empty array of judges and scorers (defineJudge, defineScorer)',
      (v) => Array.isArray(v) && v.length > 0 && v.every(isScorer),
    ),
    concurrency: rules.integer(1, 256),
    timeoutMs: rules.integer(1, 2_147_483_647),
    graceMs: rules.integer(0, 2_147_483_647),
    print: rules.custom(
      'true, false or a writable stream',
      (v) =>
        typeof v === 'boolean' ||
        (typeof v === 'object' && v !== null && typeof (v as any).write === 'function'),
    ),
    runId: rules.string({ nonEmpty: true }),
    baseline: rules.custom(
      'a summary object or a file path',
      (v) => typeof v === 'string' || (typeof v === 'object' && v !== null),
    ),
    out: rules.string({ nonEmpty: true }),
    traces: rules.custom(
      'a spanCollector() or an object with spans()',
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        (typeof (v as any).spansOf === 'function' || typeof (v as any).spans === 'function'),
    ),
  },
  { required: ['data', 'scorers'] },
);

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * Runs every example (the task inside a traced CHAIN span, so each example has a trace), scores it with
 * every judge and scorer, and records each result with `logFeedback` on the example's trace. Task, judge
 * and scorer failures and timeouts become recorded errors of that example; the run goes on. Returns the
 * summary (regressions against `baseline`, if given) and writes it to `out`.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvalSummary> {
  assertOptions(options, OPTIONS, 'evaluate');
  const names = options.scorers.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined)
    throw new GlassboxConfigError({
      option: 'evaluate.scorers',
      message: `two scorers are named "${duplicate}"`,
    });
  const baseline = options.baseline === undefined ? undefined : await loadBaseline(options.baseline);
  const examples = await loadExamples(options.data);
  const runId = options.runId ?? randomUUID();
  const startedAt = new Date();
  const started = performance.now();
  const concurrency = options.concurrency ?? 4;
  const results: ExampleResult[] = new Array(examples.length);
  let next = 0;
  const worker = async () => {
    while (next < examples.length) {
      const i = next++;
      results[i] = await runExample(examples[i]!, runId, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, examples.length) }, worker));
  const scorers = summarizeScorers(
    options.scorers.map((s) => ({ name: s.name, ...(s.valueType ? { valueType: s.valueType } : {}) })),
    results,
  );
  const taskErrors = results.filter((r) => r.error !== undefined).length;
  const judgeCosts = results.map((r) => r.judgeCostUsd).filter((c): c is number => c !== undefined);
  const summary: EvalSummary = {
    runId,
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    examples: results.length,
    taskErrors,
    errors: taskErrors + scorers.reduce((n, s) => n + s.errors, 0),
    scorers,
    results,
    ...(judgeCosts.length > 0 ? { judgeCostUsd: roundUsd(judgeCosts.reduce((a, b) => a + b, 0)) } : {}),
    regressions: baseline ? findRegressions(results, baseline) : [],
    ...(baseline ? { changes: findChanges(results, baseline) } : {}),
    ...(baseline ? { baseline: { runId: baseline.runId, examples: baseline.results.length } } : {}),
  };
  if (options.out) {
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(summary, null, 2)}\n`);
  }
  if (options.print) (options.print === true ? process.stdout : options.print).write(formatSummary(summary));
  return summary;
}

async function runExample(
  example: EvalExample,
  runId: string,
  options: EvaluateOptions,
): Promise<ExampleResult> {
  const started = performance.now();
  const limitMs = options.timeoutMs ?? 60_000;
  // The example's time limit, carried for the timeout message.
  const abort = Object.assign(new AbortController(), { limitMs });
  const deadline = Date.now() + limitMs;
  const graceMs = options.graceMs ?? 1000;
  const original =
    example.traceId && example.spanId
      ? { traceId: example.traceId, spanId: example.spanId, traceFlags: TraceFlags.SAMPLED }
      : undefined;
  return withSpan(
    {
      name: 'eval_example',
      type: SpanType.CHAIN,
      // Each example is a trace of its own, whatever span is active around evaluate().
      parent: ROOT_CONTEXT,
      attributes: { [ATTR.EVAL_RUN_ID]: runId, [ATTR.EVAL_EXAMPLE_ID]: example.id },
      ...(original ? { links: [{ context: original }] } : {}),
      captureOutputs: false,
    },
    async (root): Promise<ExampleResult> => {
      root.setInputs(example.inputs);
      const collector = options.traces && 'watch' in options.traces ? options.traces : undefined;
      collector?.watch(root.traceId);
      try {
        let outputs = example.outputs;
        if (options.task) {
          try {
            const task = options.task;
            outputs = await race(
              Promise.resolve().then(() => task(example.inputs, { example, signal: abort.signal })),
              deadline,
              abort,
              graceMs,
            );
          } catch (error) {
            root.recordError(error);
            const message =
              error instanceof TimeoutError ? error.message : `the task failed: ${messageOf(error)}`;
            const skipped: ExampleScore = {
              error: 'not scored: the task failed',
              errorType: 'task_failed',
              source: { type: 'code' },
            };
            const scores = Object.fromEntries(
              options.scorers.map((s) => [s.name, { ...skipped, source: s.source }]),
            );
            return {
              id: example.id,
              ...idsOf(root),
              error: message,
              scores,
              durationMs: performance.now() - started,
            };
          }
        }
        root.setOutputs(outputs);
        const trace = example.trace ?? traceOf(root.traceId, options);
        // Results land on the judged trace: this run's, or the production trace being re-judged.
        const target = !options.task && original ? original : { traceId: root.traceId, spanId: root.spanId };
        const scored = await Promise.all(
          options.scorers.map((scorer) =>
            scoreOne(
              scorer,
              {
                inputs: example.inputs,
                outputs,
                ...(example.expectations ? { expectations: example.expectations } : {}),
                ...(trace ? { trace } : {}),
                signal: abort.signal,
              },
              deadline,
              abort,
              graceMs,
            ),
          ),
        );
        const scores: Record<string, ExampleScore> = {};
        for (const result of scored) {
          scores[result.name] = record(result, target);
        }
        const judgeCostUsd = options.traces ? judgeCost(traceOf(root.traceId, options) ?? []) : undefined;
        return {
          id: example.id,
          ...idsOf(target),
          scores,
          ...(judgeCostUsd !== undefined ? { judgeCostUsd } : {}),
          durationMs: performance.now() - started,
        };
      } finally {
        collector?.release(root.traceId);
      }
    },
  );
}

async function scoreOne(
  scorer: Scorer,
  args: Parameters<Scorer['score']>[0],
  deadline: number,
  abort: AbortController,
  graceMs: number,
): Promise<ScoreResult> {
  try {
    const result = await race(
      Promise.resolve().then(() => scorer.score(args)),
      deadline,
      abort,
      graceMs,
    );
    return { ...result, name: scorer.name };
  } catch (error) {
    return {
      name: scorer.name,
      error: error instanceof TimeoutError ? error.message : `the scorer threw: ${messageOf(error)}`,
      errorType: error instanceof TimeoutError ? 'timeout' : typeOf(error),
      source: scorer.source,
    };
  }
}

/** Records one result as feedback on the judged trace, and returns it as the summary keeps it. */
function record(result: ScoreResult, target: { traceId: string; spanId: string }): ExampleScore {
  const failed = isScoreFailure(result);
  try {
    logFeedback({
      traceId: target.traceId,
      spanId: target.spanId,
      name: result.name,
      source: result.source,
      ...(failed
        ? { error: Object.assign(new Error(result.error), { code: result.errorType ?? '_OTHER' }) }
        : {
            value: result.value,
            ...(result.rationale !== undefined ? { rationale: result.rationale } : {}),
          }),
    });
  } catch {
    // A result that cannot be recorded (a scorer with an odd name) is still summarised.
  }
  if (failed)
    return {
      error: result.error,
      ...(result.errorType ? { errorType: result.errorType } : {}),
      source: result.source,
    };
  return {
    value: result.value,
    ...(result.rationale !== undefined ? { rationale: result.rationale } : {}),
    source: result.source,
  };
}

function traceOf(traceId: string, options: EvaluateOptions): TraceSpanLike[] | undefined {
  const source = options.traces;
  if (!source) return undefined;
  if ('spansOf' in source) return source.spansOf(traceId);
  return source
    .spans()
    .map(toPlainSpan)
    .filter((s) => s.traceId === traceId);
}

/**
 * Settles with `promise`, or rejects with a TimeoutError when the deadline passes first: it then aborts and
 * waits for `promise` to settle, for at most `graceMs`, so a step that honours the signal ends inside its
 * example (before the root span, within its concurrency slot). A late result still counts as a timeout.
 */
function race<T>(promise: Promise<T>, deadline: number, abort: AbortController, graceMs: number): Promise<T> {
  const ms = Math.max(0, Math.round(deadline - Date.now()));
  const limit = (abort as AbortController & { limitMs?: number }).limitMs ?? ms;
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      const error = new TimeoutError(`timed out after ${limit} ms`);
      if (!abort.signal.aborted) abort.abort(error);
      let grace: NodeJS.Timeout | undefined;
      const graceEnd = new Promise<void>((done) => {
        grace = setTimeout(done, graceMs);
      });
      void Promise.race([promise.then(noop, noop), graceEnd]).then(() => {
        clearTimeout(grace);
        reject(error);
      });
    }, ms);
    promise.then(
      (value) => {
        if (timedOut) return;
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        if (timedOut) return;
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

const noop = () => {};

/** A span's ids for the summary; none when tracing is off (nothing was recorded, nothing to look up). */
function idsOf(span: { traceId: string; spanId: string }): { traceId?: string; spanId?: string } {
  return isValidTraceId(span.traceId) ? { traceId: span.traceId, spanId: span.spanId } : {};
}
