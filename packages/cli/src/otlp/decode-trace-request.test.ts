import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Attrs, AttrValue, SpanRecord } from '../store/span-record.js';
import {
  EXOTIC_ATTRIBUTES,
  expectedRecord,
  makeRealSpans,
  protobufjsRequestType,
  withExoticAttributes,
} from './__fixtures__/real-spans.js';
import { decodeTraceRequest } from './decode-trace-request.js';

let real: ReadableSpan[];
let all: ReadableSpan[];
let protobufBody: Buffer;
let jsonBody: Buffer;

beforeAll(async () => {
  real = await makeRealSpans();
  // One more span: a real one carrying every AnyValue type, as other SDKs send them.
  all = [...real, withExoticAttributes(real.find((s) => s.name === 'http handler')!)];
  protobufBody = Buffer.from(ProtobufTraceSerializer.serializeRequest(all)!);
  jsonBody = Buffer.from(JsonTraceSerializer.serializeRequest(all)!);
});

/**
 * The official JSON serializer writes NaN and the infinities with JSON.stringify, which makes them null:
 * that is what a JSON body carries, so that is what a JSON decode gives.
 */
function jsonExpected(): SpanRecord[] {
  return all
    .map(expectedRecord)
    .map((r) =>
      'double.nan' in r.attributes
        ? { ...r, attributes: { ...r.attributes, 'double.nan': null, 'double.inf': null } }
        : r,
    );
}

const byId = (spans: SpanRecord[]) =>
  [...spans].sort((a, b) => (a.spanId + a.name).localeCompare(b.spanId + b.name));

describe('decodeTraceRequest on bodies of the official OpenTelemetry serializers', () => {
  it('decodes every field of real spans from protobuf exactly', () => {
    const result = decodeTraceRequest({ body: protobufBody, contentType: 'application/x-protobuf' });
    expect(result.rejectedSpans).toBe(0);
    expect(result.errorMessage).toBeUndefined();
    expect(byId(result.spans)).toEqual(byId(all.map(expectedRecord)));
  });

  it('decodes every field of real spans from JSON exactly', () => {
    const result = decodeTraceRequest({ body: jsonBody, contentType: 'application/json; charset=utf-8' });
    expect(result.rejectedSpans).toBe(0);
    expect(byId(result.spans)).toEqual(byId(jsonExpected()));
  });

  it('gives the same records for both formats, and the details a viewer needs', () => {
    const p = decodeTraceRequest({ body: protobufBody, contentType: 'application/x-protobuf' }).spans;
    const j = decodeTraceRequest({ body: jsonBody, contentType: 'application/json' }).spans;
    const finite = (spans: SpanRecord[]) => byId(spans).filter((s) => !('double.nan' in s.attributes));
    expect(finite(p)).toEqual(finite(j));
    expect(finite(p)).toHaveLength(all.length - 1);
    const llm = p.find((s) => s.name === 'chat gpt-4o')!;
    const agent = p.find((s) => s.name === 'agent run')!;
    expect(llm.parentSpanId).toBe(agent.spanId);
    expect(agent.parentSpanId).toBeUndefined();
    expect(llm.kind).toBe(2);
    expect(p.find((s) => s.name === 'http handler' && !('nested' in s.attributes))!.kind).toBe(1);
    expect(p.find((s) => s.name === 'link target')!.kind).toBe(3);
    expect(p.find((s) => s.name === 'queue consumer')!.kind).toBe(4);
    expect(p.find((s) => s.name === 'tool fails')!.kind).toBe(0);
    expect(llm.serviceName).toBe('otlp-fixture-service');
    expect(llm.resource['deployment.environment']).toBe('test');
    expect(llm.scope).toEqual({ name: 'otlp-fixture-scope', version: '1.2.3' });
    expect(llm.attributes['gen_ai.response.finish_reasons']).toEqual(['stop', 'length']);
    expect(llm.events.map((e) => e.name)).toEqual(['first token', 'done']);
    expect(llm.links).toEqual([
      {
        traceId: p.find((s) => s.name === 'link target')!.traceId,
        spanId: p.find((s) => s.name === 'link target')!.spanId,
        attributes: { 'link.reason': 'caused by' },
      },
    ]);
    const failing = p.find((s) => s.name === 'tool fails')!;
    expect(failing.statusCode).toBe(2);
    expect(failing.statusMessage).toBe('tool failed: bad argument');
    expect(failing.events[0]!.attributes['exception.type']).toBe('TypeError');
    // Times survive to the nanosecond: 19-digit decimals are beyond a double.
    expect(llm.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(BigInt(llm.endTimeUnixNano) - BigInt(llm.startTimeUnixNano)).toBe(
      BigInt(Math.round(llm.durationMs * 1e6)),
    );
  });

  it('decodes every AnyValue type: nested kvlist and array, bytes, int64 beyond 2^53, NaN', () => {
    const p = decodeTraceRequest({ body: protobufBody, contentType: 'application/x-protobuf' }).spans;
    const exotic = p.find((s) => 'nested' in s.attributes)!.attributes;
    expect(exotic).toEqual({
      'big.positive': '1152921504606846976',
      'big.negative': '-1152921504606846976',
      'small.negative': -42,
      'max.safe': Number.MAX_SAFE_INTEGER,
      bytes: Buffer.from(EXOTIC_ATTRIBUTES.bytes).toString('base64'),
      nested: { a: 'x', b: [1, 'two', true, 3.5, { deep: [[]] }], c: { d: { e: false } } },
      'double.nan': 'NaN',
      'double.inf': '-Infinity',
      'unicode.text': 'héllo ✓ 日本 🎉',
      'empty.text': '',
    });
    // JSON-safe: the record survives a JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });

  it('agrees with protobufjs decoding the same bytes with the opentelemetry-proto schema', () => {
    const type = protobufjsRequestType();
    const decoded = type.toObject(type.decode(protobufBody), { longs: String, enums: Number, bytes: Buffer });
    const theirs = fromProtobufjs(decoded);
    const ours = decodeTraceRequest({ body: protobufBody, contentType: 'application/x-protobuf' }).spans;
    expect(byId(ours)).toEqual(byId(theirs));
  });

  it('decodes what protobufjs encodes, including fields the JS serializer never writes', () => {
    const type = protobufjsRequestType();
    const traceId = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
    const message = type.fromObject({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'from-protobufjs' } }] },
          schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
          scopeSpans: [
            {
              scope: { name: 's' },
              spans: [
                {
                  traceId,
                  spanId: Buffer.from('b7ad6b7169203331', 'hex'),
                  parentSpanId: Buffer.alloc(0),
                  traceState: 'vendor=1',
                  name: 'full',
                  kind: 5,
                  flags: 0x301,
                  startTimeUnixNano: '18446744073709551615',
                  endTimeUnixNano: '18446744073709551615',
                  droppedAttributesCount: 3,
                  droppedEventsCount: 4,
                  droppedLinksCount: 5,
                  attributes: [
                    { key: 'i', value: { intValue: '-9223372036854775808' } },
                    { key: 'empty', value: {} },
                  ],
                  links: [
                    { traceId, spanId: Buffer.from('00f067aa0ba902b7', 'hex'), flags: 1, traceState: 'x=y' },
                  ],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const body = Buffer.from(type.encode(message).finish());
    const [span] = decodeTraceRequest({ body, contentType: 'application/x-protobuf' }).spans;
    expect(span).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      name: 'full',
      kind: 4,
      startTimeUnixNano: '18446744073709551615',
      endTimeUnixNano: '18446744073709551615',
      startMs: Number(2n ** 64n - 1n) / 1e6,
      durationMs: 0,
      statusCode: 2,
      statusMessage: 'boom',
      serviceName: 'from-protobufjs',
      attributes: { i: '-9223372036854775808', empty: null },
      events: [],
      links: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', attributes: {} }],
      resource: { 'service.name': 'from-protobufjs' },
      scope: { name: 's' },
    });
  });

  it('reads gzip and deflate bodies (zlib and raw) to the same spans', () => {
    const plain = decodeTraceRequest({ body: protobufBody, contentType: 'application/x-protobuf' }).spans;
    for (const [encoding, body] of [
      ['gzip', gzipSync(protobufBody)],
      ['GZIP', gzipSync(protobufBody)],
      ['deflate', deflateSync(protobufBody)],
      ['deflate', deflateRawSync(protobufBody)],
      ['identity', protobufBody],
    ] as const) {
      const result = decodeTraceRequest({
        body,
        contentType: 'application/x-protobuf',
        contentEncoding: encoding,
      });
      expect(result.spans, encoding).toEqual(plain);
    }
    const json = decodeTraceRequest({
      body: new Uint8Array(gzipSync(jsonBody)),
      contentType: 'application/json',
      contentEncoding: 'gzip',
    });
    expect(byId(json.spans)).toEqual(byId(jsonExpected()));
  });

  it('decodes an empty request and an empty JSON object to no spans', () => {
    expect(decodeTraceRequest({ body: Buffer.alloc(0), contentType: 'application/x-protobuf' })).toEqual({
      spans: [],
      rejectedSpans: 0,
    });
    expect(decodeTraceRequest({ body: Buffer.from('{}'), contentType: 'application/json' })).toEqual({
      spans: [],
      rejectedSpans: 0,
    });
  });
});

/** protobufjs's object to a span record, written independently of the decoder under test. */
function fromProtobufjs(request: any): SpanRecord[] {
  const out: SpanRecord[] = [];
  const hex = (b: Buffer | undefined) => (b && b.length > 0 ? b.toString('hex') : undefined);
  for (const rs of request.resourceSpans ?? []) {
    const resource = kvs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const start = BigInt(s.startTimeUnixNano);
        const end = BigInt(s.endTimeUnixNano);
        const record: SpanRecord = {
          traceId: hex(s.traceId)!,
          spanId: hex(s.spanId)!,
          name: s.name,
          kind: (s.kind ?? 1) - 1,
          startTimeUnixNano: start.toString(),
          endTimeUnixNano: end.toString(),
          startMs: Number(start) / 1e6,
          durationMs: Number(end - start) / 1e6,
          statusCode: s.status?.code ?? 0,
          serviceName: String(resource['service.name']),
          attributes: kvs(s.attributes),
          events: (s.events ?? []).map((e: any) => ({
            name: e.name,
            timeUnixNano: String(e.timeUnixNano),
            attributes: kvs(e.attributes),
          })),
          links: (s.links ?? []).map((l: any) => ({
            traceId: hex(l.traceId),
            spanId: hex(l.spanId),
            attributes: kvs(l.attributes),
          })),
          resource,
          scope: ss.scope.version
            ? { name: ss.scope.name, version: ss.scope.version }
            : { name: ss.scope.name },
        };
        if (hex(s.parentSpanId)) record.parentSpanId = hex(s.parentSpanId);
        if (s.status?.message) record.statusMessage = s.status.message;
        out.push(record);
      }
    }
  }
  return out;
}

function kvs(list: any[] | undefined): Attrs {
  const out: Attrs = {};
  for (const kv of list ?? []) out[kv.key] = any(kv.value ?? {});
  return out;
}

function any(v: any): AttrValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) {
    const d = Number(v.doubleValue);
    return Number.isNaN(d) ? 'NaN' : Number.isFinite(d) ? d : d > 0 ? 'Infinity' : '-Infinity';
  }
  if (v.bytesValue !== undefined) return Buffer.from(v.bytesValue).toString('base64');
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(any);
  if (v.kvlistValue !== undefined) return kvs(v.kvlistValue.values);
  return null;
}
