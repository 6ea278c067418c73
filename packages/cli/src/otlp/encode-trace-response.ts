import type { OtlpFormat } from './decode-trace-request.js';

/** An encoded OTLP/HTTP response body with its `Content-Type`. */
export interface OtlpResponseBody {
  body: Buffer;
  contentType: string;
}

/** The partial-success part of an `ExportTraceServiceResponse`. */
export interface TracePartialSuccess {
  rejectedSpans: number;
  errorMessage?: string;
}

const CONTENT_TYPES: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * Encodes an `ExportTraceServiceResponse` in the request's format: empty on full success, with
 * `partial_success` when spans were rejected or there is a message for the sender.
 */
export function encodeTraceResponse(format: OtlpFormat, partial?: TracePartialSuccess): OtlpResponseBody {
  const count = partial?.rejectedSpans;
  const rejected = typeof count === 'number' && Number.isFinite(count) ? Math.max(0, Math.trunc(count)) : 0;
  const message = partial?.errorMessage ?? '';
  const hasPartial = rejected > 0 || message !== '';
  if (format === 'json') {
    const body = hasPartial
      ? { partialSuccess: { rejectedSpans: rejected, ...(message !== '' ? { errorMessage: message } : {}) } }
      : {};
    return { body: Buffer.from(JSON.stringify(body)), contentType: CONTENT_TYPES.json };
  }
  if (!hasPartial) return { body: Buffer.alloc(0), contentType: CONTENT_TYPES.protobuf };
  // ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }, as field 1.
  const inner = Buffer.concat([
    rejected > 0 ? Buffer.concat([tagByte(1, 0), varint(rejected)]) : Buffer.alloc(0),
    message !== '' ? lengthDelimited(2, Buffer.from(message, 'utf8')) : Buffer.alloc(0),
  ]);
  return { body: lengthDelimited(1, inner), contentType: CONTENT_TYPES.protobuf };
}

/**
 * Encodes a `google.rpc.Status` (`code` a gRPC status code such as 3 INVALID_ARGUMENT) in the request's
 * format, the body OTLP/HTTP gives with a 4xx or 5xx answer.
 */
export function encodeStatus(format: OtlpFormat, code: number, message: string): OtlpResponseBody {
  if (format === 'json') {
    return { body: Buffer.from(JSON.stringify({ code, message })), contentType: CONTENT_TYPES.json };
  }
  const parts: Buffer[] = [];
  if (code !== 0) parts.push(tagByte(1, 0), varint(code));
  if (message !== '') parts.push(lengthDelimited(2, Buffer.from(message, 'utf8')));
  return { body: Buffer.concat(parts), contentType: CONTENT_TYPES.protobuf };
}

function tagByte(field: number, wire: number): Buffer {
  return Buffer.of((field << 3) | wire);
}

/** A non-negative integer below 2^53 as a varint (negative int32 codes are written as 10-byte two's complement). */
function varint(n: number): Buffer {
  let v = n < 0 ? (1n << 64n) + BigInt(Math.trunc(n)) : BigInt(Math.trunc(n));
  const bytes: number[] = [];
  while (v > 0x7fn) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Buffer.from(bytes);
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([tagByte(field, 2), varint(payload.length), payload]);
}
