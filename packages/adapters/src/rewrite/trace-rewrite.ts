import { type ActiveSpan, ATTR, GlassboxConfigError, SpanType, withSpan } from '@glassbox/core';
import { contentCaptureEnabled, type Rule, rules } from '@glassbox/core/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import { ATTRIBUTES, assertOptions } from '../internal/options.js';
import { queryOf } from '../internal/query-of.js';
import { tryOrWarn, warnFailureOnce, warnOnce } from '../internal/warn.js';
import { whenSettled } from '../internal/when-settled.js';
import {
  measure,
  type RewriteFlagDetail,
  type RewriteFlagReason,
  type RewriteThresholds,
  THRESHOLD_RULES,
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

const OPTIONS = rules.object({
  name: rules.string({ nonEmpty: true }),
  onFlag: rules.func(),
  attributes: ATTRIBUTES,
  captureContent: rules.boolean(),
  ...THRESHOLD_RULES,
} satisfies Record<keyof TraceRewriteOptions, Rule>);

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
  const measures = measure(original, rewritten, thresholds);
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
  if (typeof fn !== 'function') {
    throw new GlassboxConfigError({ option: 'traceRewrite.fn', message: 'expected the rewrite function' });
  }
  assertOptions(options, OPTIONS, 'traceRewrite');
}
