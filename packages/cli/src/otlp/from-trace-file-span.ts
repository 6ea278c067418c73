import type { TraceFileSpan, TraceFileValue } from '@glassbox/exporters';
import type { Attrs, AttrValue, SpanRecord } from '../store/span-record.js';
import { doubleValue, isZeroSpanId, MAX_VALUE_DEPTH, serviceNameOf, setAttr } from './span-values.js';

/** Converts a span read by `readTraceFile` (bigint times, bigint and byte attributes) to a JSON-safe span record. */
export function fromTraceFileSpan(span: TraceFileSpan): SpanRecord {
  const resource = attrs(span.resource, 0);
  const record: SpanRecord = {
    traceId: span.traceId,
    spanId: span.spanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    startMs: Number(span.startTimeUnixNano) / 1e6,
    durationMs: Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6,
    statusCode: span.status.code,
    serviceName: serviceNameOf(resource),
    attributes: attrs(span.attributes, 0),
    events: span.events.map((e) => ({
      name: e.name,
      timeUnixNano: e.timeUnixNano.toString(),
      attributes: attrs(e.attributes, 0),
    })),
    links: span.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      attributes: attrs(l.attributes, 0),
    })),
    resource,
    scope: span.scope.version
      ? { name: span.scope.name, version: span.scope.version }
      : { name: span.scope.name },
  };
  if (span.parentSpanId && !isZeroSpanId(span.parentSpanId)) record.parentSpanId = span.parentSpanId;
  if (span.status.message) record.statusMessage = span.status.message;
  return record;
}

function attrs(values: Record<string, TraceFileValue>, depth: number): Attrs {
  const out: Attrs = {};
  for (const key of Object.keys(values)) setAttr(out, key, value(values[key]!, depth));
  return out;
}

function value(v: TraceFileValue, depth: number): AttrValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return doubleValue(v);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  // The reader already parsed the file; this bound only keeps a hand-made deep value from overflowing the stack.
  if (depth >= MAX_VALUE_DEPTH) return null;
  if (Array.isArray(v)) return v.map((item) => value(item, depth + 1));
  return attrs(v, depth + 1);
}
