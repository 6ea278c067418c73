import { createHash, randomUUID } from 'node:crypto';
import { ATTR } from '@glassbox/core';
import type { FeedbackRecord, FeedbackSource } from '@glassbox/evals';
import { parsedValue } from './span-facts.js';
import type { SpanRecord } from './span-record.js';
import { StoreInputError } from './store-errors.js';

/** Feedback as given to `TraceStore.addFeedback`: the store adds the id and, unless given, the time. */
export type FeedbackInput = Omit<FeedbackRecord, 'id' | 'createdAt' | 'source'> & {
  source?: FeedbackSource;
  createdAt?: string;
};

const MAX_NAME = 200;
const MAX_TEXT = 10_000;
const MAX_EXPECTATIONS_JSON = 65_536;
const SOURCE_TYPES = new Set(['human', 'llm_judge', 'code']);
const KEYS = new Set([
  'traceId',
  'spanId',
  'name',
  'value',
  'rationale',
  'expectations',
  'source',
  'createdAt',
]);
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** Checks feedback from a caller (the page, a script) and completes it into a record; throws `StoreInputError`. */
export function feedbackRecordOf(input: FeedbackInput, now = new Date()): FeedbackRecord {
  if (input === null || typeof input !== 'object' || Array.isArray(input))
    throw new StoreInputError('feedback', 'expected an object');
  for (const key of Object.keys(input))
    if (!KEYS.has(key)) throw new StoreInputError(key, `unknown field (known: ${[...KEYS].join(', ')})`);
  const { traceId, spanId, name, value, rationale, expectations, source, createdAt } = input;
  if (typeof traceId !== 'string' || !TRACE_ID.test(traceId))
    throw new StoreInputError('traceId', 'expected 32 lower-case hex characters');
  if (spanId !== undefined && (typeof spanId !== 'string' || !SPAN_ID.test(spanId)))
    throw new StoreInputError('spanId', 'expected 16 lower-case hex characters');
  if (typeof name !== 'string' || name.trim() === '')
    throw new StoreInputError('name', 'expected a non-empty string');
  if (name.length > MAX_NAME) throw new StoreInputError('name', `expected at most ${MAX_NAME} characters`);
  checkValue(value);
  if (rationale !== undefined) {
    if (typeof rationale !== 'string') throw new StoreInputError('rationale', 'expected a string');
    if (rationale.length > MAX_TEXT)
      throw new StoreInputError('rationale', `expected at most ${MAX_TEXT} characters`);
  }
  if (expectations !== undefined) {
    if (!isPlainObject(expectations)) throw new StoreInputError('expectations', 'expected an object');
    if (jsonLength(expectations, 'expectations') > MAX_EXPECTATIONS_JSON)
      throw new StoreInputError(
        'expectations',
        `expected at most ${MAX_EXPECTATIONS_JSON} characters of JSON`,
      );
  }
  const src = checkSource(source);
  let at = now.toISOString();
  if (createdAt !== undefined) {
    const ms = typeof createdAt === 'string' ? Date.parse(createdAt) : Number.NaN;
    if (!Number.isFinite(ms)) throw new StoreInputError('createdAt', 'expected an ISO 8601 date string');
    at = new Date(ms).toISOString();
  }
  const record: FeedbackRecord = { id: randomUUID(), traceId, name, value, source: src, createdAt: at };
  if (spanId !== undefined) record.spanId = spanId;
  if (rationale !== undefined) record.rationale = rationale;
  if (expectations !== undefined) record.expectations = expectations;
  return record;
}

function checkValue(value: unknown): void {
  if (typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StoreInputError('value', 'expected a finite number');
    return;
  }
  if (typeof value === 'string') {
    if (value.length > MAX_TEXT)
      throw new StoreInputError('value', `expected at most ${MAX_TEXT} characters`);
    return;
  }
  if (isPlainObject(value)) {
    if (jsonLength(value, 'value') > MAX_TEXT)
      throw new StoreInputError('value', `expected at most ${MAX_TEXT} characters of JSON`);
    return;
  }
  throw new StoreInputError('value', 'expected a number, boolean, string or object');
}

function checkSource(source: unknown): FeedbackSource {
  if (source === undefined) return { type: 'human' };
  if (!isPlainObject(source)) throw new StoreInputError('source', 'expected an object { type, id? }');
  const { type, id, ...rest } = source as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) throw new StoreInputError(`source.${extra}`, 'unknown field (known: type, id)');
  if (typeof type !== 'string' || !SOURCE_TYPES.has(type))
    throw new StoreInputError('source.type', "expected 'human', 'llm_judge' or 'code'");
  const out: FeedbackSource = { type: type as FeedbackSource['type'] };
  if (id !== undefined) {
    if (typeof id !== 'string' || id.length > MAX_NAME)
      throw new StoreInputError('source.id', `expected a string of at most ${MAX_NAME} characters`);
    out.id = id;
  }
  return out;
}

/**
 * The feedback record a `logFeedback` span stands for, or undefined when the span is not one (or names no
 * valid target). Its id is the span's `glassbox.feedback.id` (a viewer's export), else derived from the
 * span's ids, so a re-sent span gives the same record.
 */
export function feedbackFromSpan(span: SpanRecord): FeedbackRecord | undefined {
  const a = span.attributes;
  const name = a[ATTR.FEEDBACK_NAME];
  const traceId = a[ATTR.FEEDBACK_TARGET_TRACE_ID];
  if (typeof name !== 'string' || name === '' || typeof traceId !== 'string') return undefined;
  const target = traceId.toLowerCase();
  if (!TRACE_ID.test(target)) return undefined;
  const value = feedbackValue(a[ATTR.FEEDBACK_VALUE]);
  if (value === undefined) return undefined;
  const sourceType = a[ATTR.FEEDBACK_SOURCE];
  const source: FeedbackSource = {
    type:
      typeof sourceType === 'string' && SOURCE_TYPES.has(sourceType)
        ? (sourceType as FeedbackSource['type'])
        : 'human',
  };
  const sourceId = a[ATTR.FEEDBACK_SOURCE_ID];
  if (typeof sourceId === 'string' && sourceId !== '') source.id = sourceId;
  // A span exported from a viewer names its record: taking it back gives that record, not a second one.
  const ownId = a[ATTR.FEEDBACK_ID];
  const record: FeedbackRecord = {
    id:
      typeof ownId === 'string' && ownId !== '' && ownId.length <= MAX_NAME
        ? ownId
        : derivedId(span.traceId, span.spanId),
    traceId: target,
    name: name.slice(0, MAX_NAME),
    value,
    source,
    createdAt: new Date(Number.isFinite(span.startMs) ? span.startMs : 0).toISOString(),
  };
  const spanId = a[ATTR.FEEDBACK_TARGET_SPAN_ID];
  if (typeof spanId === 'string' && SPAN_ID.test(spanId.toLowerCase())) record.spanId = spanId.toLowerCase();
  const rationale = a[ATTR.FEEDBACK_RATIONALE];
  if (typeof rationale === 'string') record.rationale = rationale;
  const expectations = parsedValue(a[ATTR.FEEDBACK_EXPECTATIONS]);
  if (isPlainObject(expectations)) record.expectations = expectations;
  return record;
}

function feedbackValue(v: unknown): FeedbackRecord['value'] | undefined {
  if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
  if (typeof v === 'string') {
    // logFeedback writes an object value as its JSON text; any other string stays a string.
    if (v.trimStart().startsWith('{')) {
      const parsed = parsedValue(v);
      if (isPlainObject(parsed)) return parsed;
    }
    return v;
  }
  if (isPlainObject(v)) return v as Record<string, unknown>;
  return undefined;
}

/** A UUID-shaped id from the feedback span's ids (stable across re-sent batches). */
function derivedId(traceId: string, spanId: string): string {
  const h = createHash('sha1').update(`glassbox-feedback:${traceId}:${spanId}`).digest('hex');
  const variant = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonLength(value: unknown, field: string): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    throw new StoreInputError(field, 'expected a JSON-serialisable object');
  }
}
