import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { decodeTraceRequest } from '../../otlp/decode-trace-request.js';
import type { Attrs, SpanRecord } from '../../store/span-record.js';

/** Spans as the viewer receives them: serialized by the OpenTelemetry exporter code, decoded by our receiver. */
export function received(spans: ReadableSpan[]): SpanRecord[] {
  const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  return decodeTraceRequest({ body, contentType: 'application/x-protobuf' }).spans;
}

let next = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** A hand-made span record (for conventions Glassbox does not write, and for exact latencies). */
export function record(
  fields: Partial<SpanRecord> & { name: string; attributes?: Attrs },
  trace = 1,
): SpanRecord {
  const startMs = fields.startMs ?? 1_700_000_000_000 + next;
  const durationMs = fields.durationMs ?? 1;
  const id = next++;
  const startNs = BigInt(Math.round(startMs * 1e6));
  return {
    traceId: hex(trace, 32),
    spanId: hex(id, 16),
    kind: 0,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: (startNs + BigInt(Math.round(durationMs * 1e6))).toString(),
    startMs,
    durationMs,
    statusCode: 0,
    serviceName: 'hand-made',
    events: [],
    links: [],
    resource: { 'service.name': 'hand-made' },
    scope: { name: 'test' },
    attributes: {},
    ...fields,
  };
}
