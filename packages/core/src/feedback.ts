import {
  isValidSpanId,
  isValidTraceId,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { GlassboxConfigError } from './errors.js';
import { setJsonAttribute } from './internal/capture-attribute.js';
import { errorType, recordSpanError } from './internal/errors.js';
import { currentRuntime, type Runtime } from './internal/runtime.js';
import { safeName, safeText } from './internal/sanitize.js';
import { adoptStarted } from './internal/span-runner.js';
import { getTracer } from './internal/tracer.js';
import { SpanType } from './span-type.js';

/** Who or what gave a judgement. */
export type FeedbackSourceType = 'human' | 'llm_judge' | 'code';

/** A judgement on a traced step, from a person, an LLM judge or code. */
export interface Feedback {
  traceId: string;
  /** The span judged; without it the feedback is attached to the trace only by attribute. */
  spanId?: string;
  name: string;
  /** The verdict; required unless `error` says why there is none. */
  value?: number | boolean | string | Record<string, unknown>;
  rationale?: string;
  /** A source type, or the type with who gave it (an email, a judge or scorer name). */
  source: FeedbackSourceType | { type: FeedbackSourceType; id?: string };
  /** What the answer should have been, e.g. `{ expected_answer: '...' }` (content: captured, redacted). */
  expectations?: Record<string, unknown>;
  /** Why no verdict could be made (a judge that failed): the feedback span is marked as an error. */
  error?: unknown;
}

const SOURCES = new Set(['human', 'llm_judge', 'code']);

/**
 * Records feedback as a `feedback {name}` span linked to its target span, carrying a `gen_ai.evaluation.result`
 * event; with a span id it is also a child of that span, so it shows inside the judged trace in Jaeger or
 * any OTLP backend.
 */
export function logFeedback(feedback: Feedback): { traceId: string; spanId: string } {
  validate(feedback);
  const target = feedback.spanId
    ? { traceId: feedback.traceId, spanId: feedback.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true }
    : undefined;
  const parent = target ? trace.setSpanContext(ROOT_CONTEXT, target) : ROOT_CONTEXT;
  const current = currentRuntime();
  const source = typeof feedback.source === 'string' ? { type: feedback.source } : feedback.source;
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
        [ATTR.FEEDBACK_SOURCE]: source.type,
        [ATTR.FEEDBACK_TARGET_TRACE_ID]: feedback.traceId,
        ...(feedback.spanId ? { [ATTR.FEEDBACK_TARGET_SPAN_ID]: feedback.spanId } : {}),
      },
    },
    parent,
  );
  const runtime = adoptStarted(span, parent, current);
  if (typeof source.id === 'string' && source.id !== '')
    span.setAttribute(ATTR.FEEDBACK_SOURCE_ID, safeName(source.id, runtime));
  const v = feedback.value;
  // A string verdict is redacted once: it is both the value and the evaluation event's label.
  const label = typeof v === 'string' ? safeText(v, runtime) : undefined;
  if (label !== undefined) span.setAttribute(ATTR.FEEDBACK_VALUE, label);
  else if (typeof v === 'number' || typeof v === 'boolean') span.setAttribute(ATTR.FEEDBACK_VALUE, v);
  else if (v !== undefined && v !== null) setJsonAttribute(span, ATTR.FEEDBACK_VALUE, v, runtime);
  const rationale =
    feedback.rationale === undefined ? undefined : safeText(String(feedback.rationale), runtime);
  if (rationale !== undefined) span.setAttribute(ATTR.FEEDBACK_RATIONALE, rationale);
  // Expectations are content (an expected answer): recorded only while content capture is on.
  if (feedback.expectations !== undefined && runtime.capture.captureContent)
    setJsonAttribute(span, ATTR.FEEDBACK_EXPECTATIONS, feedback.expectations, runtime);
  addEvaluationEvent(span, name, feedback, label, rationale, runtime);
  span.end();
  const ids = span.spanContext();
  return { traceId: ids.traceId, spanId: ids.spanId };
}

/**
 * The OpenTelemetry GenAI `gen_ai.evaluation.result` event: numbers as `score.value`, booleans as 1/0 with
 * a `pass`/`fail` label, strings as `score.label`, the rationale as `explanation`, a failure as `error.type`.
 */
function addEvaluationEvent(
  span: Span,
  name: string,
  feedback: Feedback,
  label: string | undefined,
  explanation: string | undefined,
  runtime: Runtime,
): void {
  const attributes: Record<string, string | number> = { [ATTR.GEN_AI_EVALUATION_NAME]: name };
  const v = feedback.value;
  if (typeof v === 'number') attributes[ATTR.GEN_AI_EVALUATION_SCORE_VALUE] = v;
  else if (typeof v === 'boolean') {
    attributes[ATTR.GEN_AI_EVALUATION_SCORE_VALUE] = v ? 1 : 0;
    attributes[ATTR.GEN_AI_EVALUATION_SCORE_LABEL] = v ? 'pass' : 'fail';
  } else if (label !== undefined) attributes[ATTR.GEN_AI_EVALUATION_SCORE_LABEL] = label;
  if (explanation !== undefined) attributes[ATTR.GEN_AI_EVALUATION_EXPLANATION] = explanation;
  if (feedback.error !== undefined) {
    attributes[ATTR.ERROR_TYPE] = errorType(feedback.error);
    recordSpanError(span, feedback.error, runtime);
  }
  span.addEvent(ATTR.GEN_AI_EVALUATION_RESULT_EVENT, attributes);
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
  const source = f.source;
  if (typeof source === 'object' && source !== null) {
    if (!SOURCES.has(source.type)) fail('source.type', "expected 'human', 'llm_judge' or 'code'");
    if (source.id !== undefined && typeof source.id !== 'string') fail('source.id', 'expected a string');
  } else if (!SOURCES.has(source as string))
    fail('source', "expected 'human', 'llm_judge' or 'code', or { type, id? }");
  if ((f.value === undefined || f.value === null) && f.error === undefined)
    fail('value', 'expected a number, boolean, string or object (or an `error` saying why there is none)');
  if (
    f.expectations !== undefined &&
    (f.expectations === null || typeof f.expectations !== 'object' || Array.isArray(f.expectations))
  )
    fail('expectations', 'expected an object, e.g. { expected_answer: "..." }');
}
