// The OTLP trace messages' field numbers and wire types, from opentelemetry-proto
// (opentelemetry/proto/{collector/trace/v1/trace_service,trace/v1/trace,common/v1/common,resource/v1/resource}.proto).
import type { ProtobufReader } from './protobuf-reader.js';
import { WIRE } from './protobuf-reader.js';

/** A field's tag as it appears on the wire: `number << 3 | wire type`. */
export const tag = (field: number, wire: number) => (field << 3) | wire;

/** For each message: the wire type and name of every field the schema defines, by field number. */
export type Schema = Readonly<Record<number, readonly [wire: number, name: string]>>;

const { VARINT, I64, LEN, I32 } = WIRE;
export const REQUEST: Schema = { 1: [LEN, 'ExportTraceServiceRequest.resource_spans'] };
export const RESOURCE_SPANS: Schema = {
  1: [LEN, 'ResourceSpans.resource'],
  2: [LEN, 'ResourceSpans.scope_spans'],
  3: [LEN, 'ResourceSpans.schema_url'],
};
export const RESOURCE: Schema = {
  1: [LEN, 'Resource.attributes'],
  2: [VARINT, 'Resource.dropped_attributes_count'],
  3: [LEN, 'Resource.entity_refs'],
};
export const SCOPE_SPANS: Schema = {
  1: [LEN, 'ScopeSpans.scope'],
  2: [LEN, 'ScopeSpans.spans'],
  3: [LEN, 'ScopeSpans.schema_url'],
};
export const SCOPE: Schema = {
  1: [LEN, 'InstrumentationScope.name'],
  2: [LEN, 'InstrumentationScope.version'],
  3: [LEN, 'InstrumentationScope.attributes'],
  4: [VARINT, 'InstrumentationScope.dropped_attributes_count'],
};
export const SPAN: Schema = {
  1: [LEN, 'Span.trace_id'],
  2: [LEN, 'Span.span_id'],
  3: [LEN, 'Span.trace_state'],
  4: [LEN, 'Span.parent_span_id'],
  5: [LEN, 'Span.name'],
  6: [VARINT, 'Span.kind'],
  7: [I64, 'Span.start_time_unix_nano'],
  8: [I64, 'Span.end_time_unix_nano'],
  9: [LEN, 'Span.attributes'],
  10: [VARINT, 'Span.dropped_attributes_count'],
  11: [LEN, 'Span.events'],
  12: [VARINT, 'Span.dropped_events_count'],
  13: [LEN, 'Span.links'],
  14: [VARINT, 'Span.dropped_links_count'],
  15: [LEN, 'Span.status'],
  16: [I32, 'Span.flags'],
};
export const EVENT: Schema = {
  1: [I64, 'Span.Event.time_unix_nano'],
  2: [LEN, 'Span.Event.name'],
  3: [LEN, 'Span.Event.attributes'],
  4: [VARINT, 'Span.Event.dropped_attributes_count'],
};
export const LINK: Schema = {
  1: [LEN, 'Span.Link.trace_id'],
  2: [LEN, 'Span.Link.span_id'],
  3: [LEN, 'Span.Link.trace_state'],
  4: [LEN, 'Span.Link.attributes'],
  5: [VARINT, 'Span.Link.dropped_attributes_count'],
  6: [I32, 'Span.Link.flags'],
};
export const STATUS: Schema = {
  1: [VARINT, 'Status.deprecated_code'],
  2: [LEN, 'Status.message'],
  3: [VARINT, 'Status.code'],
};
export const KEY_VALUE: Schema = { 1: [LEN, 'KeyValue.key'], 2: [LEN, 'KeyValue.value'] };
export const ANY_VALUE: Schema = {
  1: [LEN, 'AnyValue.string_value'],
  2: [VARINT, 'AnyValue.bool_value'],
  3: [VARINT, 'AnyValue.int_value'],
  4: [I64, 'AnyValue.double_value'],
  5: [LEN, 'AnyValue.array_value'],
  6: [LEN, 'AnyValue.kvlist_value'],
  7: [LEN, 'AnyValue.bytes_value'],
};
export const VALUES: Schema = { 1: [LEN, 'values'] };

/** A field this decoder does not read: refused when the schema gives it another wire type, else skipped. */
export function other(r: ProtobufReader, t: number, schema: Schema): void {
  const known = schema[t >>> 3];
  const wire = t & 7;
  // An invalid or group wire type is reported as such by skip, not as a mismatch.
  if (known !== undefined && (wire <= 2 || wire === 5)) r.expect(t, known[0], known[1]);
  r.skip(t);
}
