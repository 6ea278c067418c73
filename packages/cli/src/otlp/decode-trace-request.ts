import { gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { assertOptions, type Rule, rules } from '@glassbox/core/instrumentation';
import { decodeJsonRequest } from './decode-json.js';
import { decodeProtobufRequest } from './decode-protobuf.js';
import { OtlpRequestError } from './otlp-request-error.js';
import type { DecodedSpans } from './span-values.js';

/** The wire format of an OTLP/HTTP body. */
export type OtlpFormat = 'protobuf' | 'json';

/** Default bound on a request body, before and after decompression: 16 MiB. */
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Options for `decodeTraceRequest`: the request body and the headers that say how to read it. */
export interface DecodeTraceRequestOptions {
  body: Uint8Array;
  /** The `Content-Type` header: `application/x-protobuf` or `application/json` (parameters ignored). */
  contentType?: string;
  /** The `Content-Encoding` header: `gzip`, `deflate` or none. */
  contentEncoding?: string;
  /** Largest body accepted, compressed and decompressed; default 16 MiB. */
  maxBytes?: number;
}

/** What `decodeTraceRequest` gives: the spans kept, and the rejected ones for an OTLP partial-success answer. */
export type DecodeTraceResult = DecodedSpans;

const OPTIONS = rules.object(
  {
    body: rules.instanceOf(Uint8Array, 'Uint8Array'),
    contentType: rules.string(),
    contentEncoding: rules.string(),
    maxBytes: rules.integer(1),
  } satisfies Record<keyof DecodeTraceRequestOptions, Rule>,
  { required: ['body'] },
);

/** The format a `Content-Type` names, or undefined when it is neither OTLP/protobuf nor OTLP/JSON. */
export function otlpFormatOf(contentType: string | undefined): OtlpFormat | undefined {
  const type = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  return undefined;
}

/**
 * Decodes an OTLP/HTTP `ExportTraceServiceRequest` (protobuf or JSON, optionally gzip or deflate) into span
 * records; spans with unusable ids are left out and counted. Throws `OtlpRequestError`: 415 for an
 * unsupported type or encoding, 413 for a body over `maxBytes` (also once decompressed), 400 for malformed content.
 */
export function decodeTraceRequest(options: DecodeTraceRequestOptions): DecodeTraceResult {
  assertOptions(options, OPTIONS, 'decodeTraceRequest');
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const format = otlpFormatOf(options.contentType);
  if (format === undefined) {
    throw new OtlpRequestError(
      415,
      `unsupported Content-Type ${JSON.stringify(options.contentType ?? '')}: expected application/x-protobuf or application/json`,
    );
  }
  const body = asBuffer(options.body);
  if (body.length > maxBytes)
    throw new OtlpRequestError(413, `body of ${body.length} bytes is over the ${maxBytes}-byte limit`);
  const raw = decompress(body, (options.contentEncoding ?? '').trim().toLowerCase(), maxBytes);
  return format === 'protobuf' ? decodeProtobufRequest(raw) : decodeJsonRequest(raw);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decompress(body: Buffer, encoding: string, maxBytes: number): Buffer {
  if (encoding === '' || encoding === 'identity') return body;
  if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate') {
    throw new OtlpRequestError(
      415,
      `unsupported Content-Encoding ${JSON.stringify(encoding)}: expected gzip or deflate`,
    );
  }
  // maxOutputLength stops inflating at the bound, so a small gzip bomb costs no more than maxBytes of memory.
  const bound = { maxOutputLength: maxBytes };
  try {
    if (encoding !== 'deflate') return gunzipSync(body, bound);
    try {
      return inflateSync(body, bound);
    } catch (error) {
      // "deflate" means zlib-wrapped data, but some clients send a raw deflate stream.
      if ((error as NodeJS.ErrnoException).code !== 'Z_DATA_ERROR') throw error;
      return inflateRawSync(body, bound);
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new OtlpRequestError(
        413,
        `body is over the ${maxBytes}-byte limit once decompressed (${encoding})`,
      );
    }
    throw new OtlpRequestError(400, `${encoding}: ${e.message}`);
  }
}
