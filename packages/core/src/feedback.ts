import { isValidSpanId, isValidTraceId, ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { GlassboxConfigError } from './errors.js';
import { setJsonAttribute } from './internal/capture-attribute.js';
import { currentRuntime } from './internal/runtime.js';
import { safeName, safeText } from './internal/sanitize.js';
import { adoptStarted } from './internal/span-runner.js';
import { getTracer } from './internal/tracer.js';
import { SpanType } from './span-type.js';

/** A judgement on a traced step, from a person, an LLM judge or code. */
export interface Feedback {
  traceId: string;
  /** The span judged; without it the feedback is attached to the trace only by attribute. */
  spanId?: string;
  name: string;
  value: number | boolean | string | Record<string, unknown>;
  rationale?: string;
  source: 'human' | 'llm_judge' | 'code';
}

const SOURCES = new Set(['human', 'llm_judge', 'code']);

/**
 * Records feedback as a `feedback {name}` span linked to its target span; with a span id it is also a
 * child of that span, so it shows inside the judged trace in Jaeger or any OTLP backend.
 */
export function logFeedback(feedback: Feedback): { traceId: string; spanId: string } {
  validate(feedback);
  const target = feedback.spanId
    ? { traceId: feedback.traceId, spanId: feedback.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true }
    : undefined;
  const parent = target ? trace.setSpanContext(ROOT_CONTEXT, target) : ROOT_CONTEXT;
  const current = currentRuntime();
  // A feedback name, value or rationale is written by people and judges: it may quote a secret.
  const name = safeName(feedback.name, current);
  const span = getTracer().startSpan(
    safeName(`feedback ${feedback.name}`, current),
    {
      kind: SpanKind.INTERNAL,
      links: target ? [{ context: target, attributes: { [ATTR.FEEDBACK_NAME]: name } }] : [],
      attributes: {
        [ATTR.SPAN_TYPE]: SpanType.EVALUATOR,
        [ATTR.FEEDBACK_NAME]: name,
        [ATTR.FEEDBACK_SOURCE]: feedback.source,
        [ATTR.FEEDBACK_TARGET_TRACE_ID]: feedback.traceId,
        ...(feedback.spanId ? { [ATTR.FEEDBACK_TARGET_SPAN_ID]: feedback.spanId } : {}),
      },
    },
    parent,
  );
  const runtime = adoptStarted(span, parent, current);
  const v = feedback.value;
  if (typeof v === 'string') span.setAttribute(ATTR.FEEDBACK_VALUE, safeText(v, runtime));
  else if (typeof v === 'number' || typeof v === 'boolean') span.setAttribute(ATTR.FEEDBACK_VALUE, v);
  else setJsonAttribute(span, ATTR.FEEDBACK_VALUE, v, runtime);
  if (feedback.rationale !== undefined) {
    span.setAttribute(ATTR.FEEDBACK_RATIONALE, safeText(String(feedback.rationale), runtime));
  }
  span.end();
  const ids = span.spanContext();
  return { traceId: ids.traceId, spanId: ids.spanId };
}

function validate(f: Feedback): void {
  const fail = (option: string, message: string) => {
    throw new GlassboxConfigError({ option: `logFeedback.${option}`, message });
  };
  if (f === null || typeof f !== 'object') fail('feedback', 'expected an object');
  if (typeof f.traceId !== 'string' || !isValidTraceId(f.traceId))
    fail('traceId', 'expected 32 hex characters');
  if (f.spanId !== undefined && (typeof f.spanId !== 'string' || !isValidSpanId(f.spanId)))
    fail('spanId', 'expected 16 hex characters');
  if (typeof f.name !== 'string' || f.name === '') fail('name', 'expected a non-empty string');
  if (!SOURCES.has(f.source)) fail('source', "expected 'human', 'llm_judge' or 'code'");
  if (f.value === undefined || f.value === null)
    fail('value', 'expected a number, boolean, string or object');
}
