import { createHash } from 'node:crypto';
import { ATTR, SpanType } from '@glassbox/core';
import type { FeedbackRecord } from '@glassbox/evals';

/** An OTLP/JSON `AnyValue`. */
type OtlpValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number };

interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}

function value(v: string | number | boolean): OtlpValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

function attrs(entries: Record<string, string | number | boolean | undefined>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, v] of Object.entries(entries)) if (v !== undefined) out.push({ key, value: value(v) });
  return out;
}

/** A stable span id per feedback record, so exporting twice gives the same spans (backends dedupe). */
function spanIdOf(record: FeedbackRecord): string {
  return createHash('sha256').update(`glassbox.feedback:${record.id}`).digest('hex').slice(0, 16);
}

function nanos(iso: string): string {
  const ms = Date.parse(iso);
  return (BigInt(Number.isFinite(ms) ? ms : Date.now()) * 1_000_000n).toString();
}

/** The score of a judgement as `gen_ai.evaluation.result` states it: a number and/or a label. */
function score(v: FeedbackRecord['value']): { value?: number; label?: string } {
  if (typeof v === 'number') return { value: v };
  if (typeof v === 'boolean') return { value: v ? 1 : 0, label: v ? 'pass' : 'fail' };
  if (typeof v === 'string') return { label: v };
  return {};
}

/**
 * The span of one feedback record, shaped like the ones `logFeedback` exports. Its parent (and link) is the
 * judged span, or for trace-level feedback the trace's root span when it is known, so the feedback is not a
 * second root of the judged trace.
 */
function feedbackSpan(record: FeedbackRecord, rootSpanId: string | undefined): Record<string, unknown> {
  const time = nanos(record.createdAt);
  const spanId = spanIdOf(record);
  // A trace made only of re-imported feedback spans may have this very span as its root.
  const parent = record.spanId ?? (rootSpanId !== spanId ? rootSpanId : undefined);
  const v = record.value;
  const s = score(v);
  const spanAttrs = attrs({
    [ATTR.SPAN_TYPE]: SpanType.EVALUATOR,
    // The record's own id: a viewer that takes this span back keeps the one record, not a copy of it.
    [ATTR.FEEDBACK_ID]: record.id,
    [ATTR.FEEDBACK_NAME]: record.name,
    [ATTR.FEEDBACK_VALUE]: typeof v === 'object' ? JSON.stringify(v) : v,
    [ATTR.FEEDBACK_RATIONALE]: record.rationale,
    [ATTR.FEEDBACK_SOURCE]: record.source.type,
    [ATTR.FEEDBACK_SOURCE_ID]: record.source.id,
    [ATTR.FEEDBACK_EXPECTATIONS]: record.expectations ? JSON.stringify(record.expectations) : undefined,
    [ATTR.FEEDBACK_TARGET_TRACE_ID]: record.traceId,
    [ATTR.FEEDBACK_TARGET_SPAN_ID]: record.spanId,
  });
  return {
    traceId: record.traceId,
    spanId,
    ...(parent !== undefined ? { parentSpanId: parent } : {}),
    name: `feedback ${record.name}`,
    kind: 1, // OTLP SPAN_KIND_INTERNAL
    startTimeUnixNano: time,
    endTimeUnixNano: time,
    attributes: spanAttrs,
    events: [
      {
        name: ATTR.GEN_AI_EVALUATION_RESULT_EVENT,
        timeUnixNano: time,
        attributes: attrs({
          [ATTR.GEN_AI_EVALUATION_NAME]: record.name,
          [ATTR.GEN_AI_EVALUATION_SCORE_VALUE]: s.value,
          [ATTR.GEN_AI_EVALUATION_SCORE_LABEL]: s.label,
          [ATTR.GEN_AI_EVALUATION_EXPLANATION]: record.rationale,
        }),
      },
    ],
    links: parent
      ? [
          {
            traceId: record.traceId,
            spanId: parent,
            attributes: attrs({ [ATTR.FEEDBACK_NAME]: record.name }),
          },
        ]
      : [],
    status: { code: 0 },
  };
}

/**
 * One OTLP/JSON `ExportTraceServiceRequest` holding a `feedback {name}` span per record, each in its
 * target trace, a child of and linked to the judged span (or to the root span `rootSpanOf` gives for
 * trace-level feedback), with a `gen_ai.evaluation.result` event: what `logFeedback` sends, so any OTLP
 * backend (or another viewer) can take it.
 */
export function feedbackOtlpRequest(
  records: Iterable<FeedbackRecord>,
  version: string,
  rootSpanOf: (traceId: string) => string | undefined = () => undefined,
): unknown {
  const spans: Record<string, unknown>[] = [];
  const roots = new Map<string, string | undefined>();
  for (const record of records) {
    let root: string | undefined;
    if (record.spanId === undefined) {
      if (!roots.has(record.traceId)) roots.set(record.traceId, rootSpanOf(record.traceId));
      root = roots.get(record.traceId);
    }
    spans.push(feedbackSpan(record, root));
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: attrs({ 'service.name': 'glassbox-viewer' }) },
        scopeSpans: [{ scope: { name: '@glassbox/cli', version }, spans }],
      },
    ],
  };
}
