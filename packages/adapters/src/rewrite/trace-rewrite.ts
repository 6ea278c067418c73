import { type ActiveSpan, ATTR, GlassboxConfigError, SpanType, withSpan } from '@glassbox/core';
import { contentCaptureEnabled } from '@glassbox/core/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import { queryOf } from '../internal/query-of.js';
import { tryOrWarn, warnFailureOnce, warnOnce } from '../internal/warn.js';
import { whenSettled } from '../internal/when-settled.js';
import {
  measureRewrite,
  type RewriteFlagDetail,
  type RewriteFlagReason,
  type RewriteThresholds,
} from './measure-rewrite.js';

/** What `onFlag` receives for a suspicious rewrite. */
export interface RewriteFlag {
  reasons: RewriteFlagReason[];
  details: RewriteFlagDetail[];
  original: string;
  rewritten: string;
  similarity: number;
  lengthRatio: number;
  /** The rewrite span's ids, to link the flag to the trace (all zeros when not traced). */
  traceId: string;
  spanId: string;
}

/** Options of `traceRewrite`. */
export interface TraceRewriteOptions extends RewriteThresholds {
  /** Span name; default `query_rewrite`. */
  name?: string;
  /** Called once for each flagged rewrite (errors it throws are reported, never raised). */
  onFlag?: (flag: RewriteFlag) => void;
  /** Extra attributes set when the span starts. */
  attributes?: Attributes;
  /** Overrides the global `captureContent` switch for the queries and the span's inputs and outputs. */
  captureContent?: boolean;
}

/** A query, or an object carrying one in `query`. */
type QueryLike = string | { query: string };
type RewriteFn = (query: any, ...rest: any[]) => QueryLike | PromiseLike<QueryLike>;

const KNOWN = new Set([
  'name',
  'onFlag',
  'attributes',
  'captureContent',
  'maxLengthRatio',
  'minSimilarity',
  'needsRewrite',
]);

/**
 * Wraps a query-rewrite function (query string or `{ query }` in, the same out, sync or async) so each call
 * is a QUERY_REWRITE span measuring how much the query changed, and flags rewrites that look suspicious.
 */
export function traceRewrite<F extends RewriteFn>(fn: F, options: TraceRewriteOptions = {}): F {
  validate(fn, options);
  const { name = 'query_rewrite', onFlag, captureContent, maxLengthRatio, minSimilarity } = options;
  const needsRewrite = options.needsRewrite && safeNeedsRewrite(options.needsRewrite);
  const thresholds: RewriteThresholds = { maxLengthRatio, minSimilarity, needsRewrite };
  const spanOptions = { name, type: SpanType.QUERY_REWRITE, attributes: options.attributes, captureContent };

  const traced = function (this: unknown, ...args: unknown[]): unknown {
    return withSpan(spanOptions, (span) => {
      span.setInputs(args.length === 1 ? args[0] : args);
      const result = fn.apply(this, args as Parameters<F>);
      return whenSettled(result, (value) => {
        tryOrWarn('traceRewrite', 'measure', 'could not measure the rewrite', () =>
          annotate(span, args[0], value, thresholds, onFlag),
        );
      });
    });
  };
  // Callers and frameworks read `name` and `length`; keep the wrapper indistinguishable from `fn`.
  Object.defineProperty(traced, 'name', { value: fn.name, configurable: true });
  Object.defineProperty(traced, 'length', { value: fn.length, configurable: true });
  return traced as F;
}

function annotate(
  span: ActiveSpan,
  input: unknown,
  output: unknown,
  thresholds: RewriteThresholds,
  onFlag: TraceRewriteOptions['onFlag'],
): void {
  const original = queryOf(input);
  const rewritten = queryOf(output);
  if (original === undefined || rewritten === undefined) {
    warnOnce(
      'traceRewrite',
      'shape',
      'expected a query string or an object with a string `query`, in and out',
    );
    return;
  }
  const measures = measureRewrite(original, rewritten, thresholds);
  const flagged = measures.flags.length > 0;
  if (contentCaptureEnabled(span)) {
    span.setAttribute(ATTR.REWRITE_ORIGINAL, original);
    span.setAttribute(ATTR.REWRITE_REWRITTEN, rewritten);
  }
  span.setAttributes({
    [ATTR.REWRITE_CHANGED]: measures.changed,
    [ATTR.REWRITE_SIMILARITY]: measures.similarity,
    [ATTR.REWRITE_LENGTH_RATIO]: measures.lengthRatio,
    [ATTR.REWRITE_FLAGGED]: flagged,
  });
  if (!flagged) return;
  const reasons = measures.flags.map((f) => f.reason);
  span.setAttribute(ATTR.REWRITE_FLAG_REASONS, reasons);
  for (const flag of measures.flags) {
    span.addEvent(ATTR.REWRITE_FLAG_EVENT, {
      [ATTR.REWRITE_FLAG_REASON]: flag.reason,
      [ATTR.REWRITE_FLAG_VALUE]: flag.value,
      [ATTR.REWRITE_FLAG_THRESHOLD]: flag.threshold,
    });
  }
  if (onFlag === undefined) return;
  const flag: RewriteFlag = {
    reasons,
    details: measures.flags,
    original,
    rewritten,
    similarity: measures.similarity,
    lengthRatio: measures.lengthRatio,
    traceId: span.traceId,
    spanId: span.spanId,
  };
  tryOrWarn('traceRewrite', 'onFlag', 'onFlag threw', () => onFlag(flag));
}

function safeNeedsRewrite(needsRewrite: (query: string) => boolean): (query: string) => boolean {
  return (query) => {
    try {
      return needsRewrite(query);
    } catch (error) {
      warnFailureOnce(
        'traceRewrite',
        'needsRewrite',
        'needsRewrite threw, so the rewrite was not checked',
        error,
      );
      return true;
    }
  };
}

function validate(fn: unknown, options: TraceRewriteOptions): void {
  const fail = (option: string, message: string): never => {
    throw new GlassboxConfigError({ option: `traceRewrite.${option}`, message });
  };
  if (typeof fn !== 'function') fail('fn', 'expected the rewrite function');
  if (options === null || typeof options !== 'object') fail('options', 'expected an options object');
  for (const key of Object.keys(options))
    if (!KNOWN.has(key)) fail(key, `unknown option (known: ${[...KNOWN].join(', ')})`);
  const { maxLengthRatio: ratio, minSimilarity: min } = options;
  if (ratio !== undefined && !(typeof ratio === 'number' && ratio > 0))
    fail('maxLengthRatio', 'expected a number > 0');
  if (min !== undefined && !(typeof min === 'number' && min >= 0 && min <= 1))
    fail('minSimilarity', 'expected a number in [0, 1]');
  for (const key of ['needsRewrite', 'onFlag'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') fail(key, 'expected a function');
  }
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === ''))
    fail('name', 'expected a non-empty string');
  if (options.captureContent !== undefined && typeof options.captureContent !== 'boolean')
    fail('captureContent', 'expected a boolean');
}
