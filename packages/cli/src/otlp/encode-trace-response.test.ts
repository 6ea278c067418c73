import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { encodeStatus, encodeTraceResponse } from './encode-trace-response.js';

// google.rpc.Status, as in googleapis/google/rpc/status.proto (details left out: we never send any).
const Status = protobuf
  .parse('syntax = "proto3"; package google.rpc; message Status { int32 code = 1; string message = 2; }')
  .root.lookupType('google.rpc.Status');

describe('encodeTraceResponse, read back by the OpenTelemetry JS exporter’s own deserializers', () => {
  it('is an empty ExportTraceServiceResponse on full success', () => {
    const p = encodeTraceResponse('protobuf');
    expect(p.contentType).toBe('application/x-protobuf');
    expect(p.body.length).toBe(0);
    expect(ProtobufTraceSerializer.deserializeResponse(p.body)).toEqual({});
    expect(encodeTraceResponse('protobuf', { rejectedSpans: 0 }).body.length).toBe(0);
    const j = encodeTraceResponse('json', { rejectedSpans: 0 });
    expect(j.contentType).toBe('application/json');
    expect(j.body.toString()).toBe('{}');
    expect(JsonTraceSerializer.deserializeResponse(j.body)).toEqual({});
  });

  it('carries partial success: the rejected count and the message', () => {
    const partial = {
      rejectedSpans: 300,
      errorMessage: '300 spans rejected; first: spans[0] traceId is missing ✗',
    };
    expect(
      ProtobufTraceSerializer.deserializeResponse(encodeTraceResponse('protobuf', partial).body),
    ).toEqual({
      partialSuccess: partial,
    });
    expect(JsonTraceSerializer.deserializeResponse(encodeTraceResponse('json', partial).body)).toEqual({
      partialSuccess: partial,
    });
    expect(
      ProtobufTraceSerializer.deserializeResponse(encodeTraceResponse('protobuf', { rejectedSpans: 1 }).body),
    ).toEqual({
      partialSuccess: { rejectedSpans: 1 },
    });
    // A warning without rejections is a partial success too (the spec allows it).
    expect(
      JSON.parse(
        encodeTraceResponse('json', { rejectedSpans: 0, errorMessage: 'slow down' }).body.toString(),
      ),
    ).toEqual({
      partialSuccess: { rejectedSpans: 0, errorMessage: 'slow down' },
    });
  });
});

describe('encodeStatus', () => {
  it('encodes google.rpc.Status in protobuf and JSON', () => {
    const p = encodeStatus('protobuf', 3, 'protobuf: truncated varint at byte 7');
    expect(p.contentType).toBe('application/x-protobuf');
    expect(Status.toObject(Status.decode(p.body))).toEqual({
      code: 3,
      message: 'protobuf: truncated varint at byte 7',
    });
    const j = encodeStatus('json', 8, 'too large');
    expect(j.contentType).toBe('application/json');
    expect(JSON.parse(j.body.toString())).toEqual({ code: 8, message: 'too large' });
    expect(Status.toObject(Status.decode(encodeStatus('protobuf', 0, '').body))).toEqual({});
  });
});
