import type { Attrs, SpanRecord } from './span-record.js';

/** A `spans` row as SQLite gives it (the origin's JSON joined in). */
export interface SpanRow {
  id: number;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  kind: number;
  start_ns: string;
  end_ns: string;
  start_ms: number;
  duration_ms: number;
  status_code: number;
  status_message: string | null;
  service_name: string;
  attributes: string;
  events: string | null;
  links: string | null;
  origin: string;
}

/** The columns of `spans` read back into a `SpanRecord`, with the origin (resource + scope) joined. */
export const SPAN_COLUMNS = `s.id, tr.trace_id, s.span_id, s.parent_span_id, s.name, s.kind, s.start_ns, s.end_ns,
  s.start_ms, s.duration_ms, s.status_code, s.status_message, s.service_name, s.attributes, s.events, s.links,
  o.json AS origin`;

/** The joins `SPAN_COLUMNS` needs, after `FROM spans s`. */
export const SPAN_JOINS = 'JOIN traces tr ON tr.id = s.trace JOIN origins o ON o.id = s.origin_id';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const NANOS = /^\d{1,30}$/;

/**
 * The span made safe to store: ids lower-cased and checked (undefined when they are not ids), times and
 * numbers made finite, strings made strings. The receiver and importer already produce clean records;
 * this keeps a bad caller from poisoning the store.
 */
export function normalizeSpan(span: SpanRecord): SpanRecord | undefined {
  if (span === null || typeof span !== 'object') return undefined;
  const traceId = typeof span.traceId === 'string' ? span.traceId.toLowerCase() : '';
  const spanId = typeof span.spanId === 'string' ? span.spanId.toLowerCase() : '';
  if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId) || /^0+$/.test(traceId) || /^0+$/.test(spanId))
    return undefined;
  const parent = typeof span.parentSpanId === 'string' ? span.parentSpanId.toLowerCase() : undefined;
  const startNs = nanos(span.startTimeUnixNano, span.startMs);
  const endNs = nanos(span.endTimeUnixNano, finite(span.startMs) + Math.max(0, finite(span.durationMs)));
  const startMs = Number.isFinite(span.startMs) ? span.startMs : Number(BigInt(startNs) / 1000n) / 1000;
  const durationMs = Number.isFinite(span.durationMs)
    ? Math.max(0, span.durationMs)
    : Math.max(0, Number(BigInt(endNs) - BigInt(startNs)) / 1e6);
  const out: SpanRecord = {
    traceId,
    spanId,
    name: typeof span.name === 'string' ? span.name : String(span.name ?? ''),
    kind: Number.isInteger(span.kind) ? span.kind : 0,
    startTimeUnixNano: startNs,
    endTimeUnixNano: endNs,
    startMs,
    durationMs,
    statusCode: span.statusCode === 1 || span.statusCode === 2 ? span.statusCode : 0,
    serviceName:
      typeof span.serviceName === 'string' && span.serviceName !== '' ? span.serviceName : 'unknown_service',
    attributes: isObject(span.attributes) ? span.attributes : {},
    events: Array.isArray(span.events) ? span.events : [],
    links: Array.isArray(span.links) ? span.links : [],
    resource: isObject(span.resource) ? span.resource : {},
    scope: isObject(span.scope) ? span.scope : { name: '' },
  };
  if (parent !== undefined && SPAN_ID.test(parent) && !/^0+$/.test(parent)) out.parentSpanId = parent;
  if (typeof span.statusMessage === 'string' && span.statusMessage !== '')
    out.statusMessage = span.statusMessage;
  return out;
}

/** The span record of a stored row. */
export function spanOfRow(row: SpanRow): SpanRecord {
  const origin = parseJson(row.origin) as { resource?: Attrs; scope?: SpanRecord['scope'] } | undefined;
  const span: SpanRecord = {
    traceId: row.trace_id,
    spanId: row.span_id,
    name: row.name,
    kind: row.kind,
    startTimeUnixNano: row.start_ns,
    endTimeUnixNano: row.end_ns,
    startMs: row.start_ms,
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    serviceName: row.service_name,
    attributes: (parseJson(row.attributes) as Attrs | undefined) ?? {},
    events: row.events === null ? [] : ((parseJson(row.events) as SpanRecord['events'] | undefined) ?? []),
    links: row.links === null ? [] : ((parseJson(row.links) as SpanRecord['links'] | undefined) ?? []),
    resource: origin?.resource ?? {},
    scope: origin?.scope ?? { name: '' },
  };
  if (row.parent_span_id !== null) span.parentSpanId = row.parent_span_id;
  if (row.status_message !== null) span.statusMessage = row.status_message;
  return span;
}

/** JSON text of a value that should be JSON-safe; bigint and bytes (from a careless caller) made safe. */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    const seen = new WeakSet<object>();
    return (
      JSON.stringify(value, (_key, v) => {
        if (typeof v === 'bigint') return v.toString();
        if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
        if (v && typeof v === 'object') {
          if (seen.has(v)) return '[Circular]';
          seen.add(v);
        }
        return v;
      }) ?? 'null'
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function nanos(value: unknown, fallbackMs: number): string {
  if (typeof value === 'string' && NANOS.test(value)) return value.replace(/^0+(?=\d)/, '');
  const ms = finite(fallbackMs);
  return BigInt(Math.max(0, Math.round(ms * 1e6))).toString();
}

function finite(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
