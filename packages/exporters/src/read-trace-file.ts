import { createReadStream } from 'node:fs';
import { type Rule, rules } from '@glassbox/core/instrumentation';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { assertOptions } from './check-options.js';

/** An attribute value decoded from OTLP/JSON to a plain JS value (int64 beyond 2^53 as `bigint`, bytes as `Uint8Array`). */
export type TraceFileValue =
  | string
  | number
  | boolean
  | bigint
  | Uint8Array
  | null
  | TraceFileValue[]
  | { [key: string]: TraceFileValue };

/** One span read back from a trace file; times are Unix-epoch nanoseconds as `bigint`, so nothing is rounded. */
export interface TraceFileSpan {
  name: string;
  /** 32 lower-case hex characters. */
  traceId: string;
  /** 16 lower-case hex characters. */
  spanId: string;
  /** Absent on a root span. */
  parentSpanId?: string;
  traceState?: string;
  /** The OpenTelemetry API enum (`SpanKind.INTERNAL` = 0, `SpanKind.CLIENT` = 2, ...). */
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** `end - start` in milliseconds, for display. */
  durationMs: number;
  attributes: Record<string, TraceFileValue>;
  status: { code: SpanStatusCode; message?: string };
  events: { name: string; timeUnixNano: bigint; attributes: Record<string, TraceFileValue> }[];
  links: {
    traceId: string;
    spanId: string;
    traceState?: string;
    attributes: Record<string, TraceFileValue>;
  }[];
  /** The attributes of the resource that produced the span (`service.name`, ...). */
  resource: Record<string, TraceFileValue>;
  scope: { name: string; version?: string; attributes?: Record<string, TraceFileValue> };
}

/** A line of a trace file that could not be read. */
export interface TraceFileLineError {
  /** 1-based line number. */
  line: number;
  /** True for an unterminated last line: what a crash mid-write leaves behind, not corruption. */
  partial: boolean;
  error: Error;
}

/** Options for `readTraceFile`. */
export interface ReadTraceFileOptions {
  /** Called for each line that is skipped; without it, bad lines are skipped silently. */
  onError?: (error: TraceFileLineError) => void;
}

const OPTIONS = rules.object({ onError: rules.func() } satisfies Record<keyof ReadTraceFileOptions, Rule>);

/**
 * Reads the spans of an OTLP/JSON lines file (as written by `jsonFileExporter`) in file order, skipping a
 * partial last line and any corrupt line. Bad options throw `GlassboxConfigError` at the call, not at the
 * first read.
 */
export function readTraceFile(
  path: string,
  options: ReadTraceFileOptions = {},
): AsyncGenerator<TraceFileSpan, void, undefined> {
  assertOptions(options, OPTIONS, 'readTraceFile');
  return readLines(path, options);
}

async function* readLines(
  path: string,
  options: ReadTraceFileOptions,
): AsyncGenerator<TraceFileSpan, void, undefined> {
  let carry: Buffer[] = [];
  let lineNumber = 0;
  // Split on the newline byte rather than decoded text, so a multi-byte character cut across chunks stays whole.
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      carry.push(chunk.subarray(start, nl));
      const line = carry.length === 1 ? carry[0]! : Buffer.concat(carry);
      carry = [];
      start = nl + 1;
      yield* decodeLine(line, ++lineNumber, false, options);
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  }
  if (carry.length > 0) yield* decodeLine(Buffer.concat(carry), ++lineNumber, true, options);
}

function* decodeLine(
  bytes: Buffer,
  line: number,
  unterminated: boolean,
  options: ReadTraceFileOptions,
): Generator<TraceFileSpan> {
  const text = bytes.toString('utf8').trim();
  if (text === '') return;
  let spans: TraceFileSpan[];
  try {
    // Decode the whole line before yielding, so a bad line yields nothing rather than half its spans.
    spans = decodeRequest(JSON.parse(text));
  } catch (error) {
    options.onError?.({ line, partial: unterminated, error: error as Error });
    return;
  }
  yield* spans;
}

function decodeRequest(request: any): TraceFileSpan[] {
  if (!Array.isArray(request?.resourceSpans))
    throw new Error('not an OTLP ExportTraceServiceRequest: no resourceSpans');
  const out: TraceFileSpan[] = [];
  for (const rs of request.resourceSpans) {
    const resource = decodeAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope: TraceFileSpan['scope'] = { name: ss.scope?.name ?? '' };
      if (ss.scope?.version) scope.version = ss.scope.version;
      if (ss.scope?.attributes?.length) scope.attributes = decodeAttributes(ss.scope.attributes);
      for (const s of ss.spans ?? []) out.push(decodeSpan(s, resource, scope));
    }
  }
  return out;
}

function decodeSpan(
  s: any,
  resource: TraceFileSpan['resource'],
  scope: TraceFileSpan['scope'],
): TraceFileSpan {
  const start = nanos(s.startTimeUnixNano);
  const end = nanos(s.endTimeUnixNano);
  const span: TraceFileSpan = {
    name: String(s.name ?? ''),
    traceId: decodeId(s.traceId),
    spanId: decodeId(s.spanId),
    kind: decodeKind(s.kind),
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    durationMs: Number(end - start) / 1e6,
    attributes: decodeAttributes(s.attributes),
    status: { code: decodeStatusCode(s.status?.code) },
    events: (s.events ?? []).map((e: any) => ({
      name: String(e.name ?? ''),
      timeUnixNano: nanos(e.timeUnixNano),
      attributes: decodeAttributes(e.attributes),
    })),
    links: (s.links ?? []).map((l: any) => ({
      traceId: decodeId(l.traceId),
      spanId: decodeId(l.spanId),
      ...(l.traceState ? { traceState: l.traceState } : {}),
      attributes: decodeAttributes(l.attributes),
    })),
    resource,
    scope,
  };
  const parent = decodeId(s.parentSpanId);
  if (parent) span.parentSpanId = parent;
  if (s.traceState) span.traceState = s.traceState;
  if (s.status?.message) span.status.message = s.status.message;
  return span;
}

/** OTLP/JSON ids are hex; generic protobuf-to-JSON tools write base64 instead. */
function decodeId(value: unknown): string {
  if (typeof value !== 'string' || value === '') return '';
  if (/^[0-9a-f]+$/i.test(value) && (value.length === 32 || value.length === 16)) return value.toLowerCase();
  return Buffer.from(value, 'base64').toString('hex');
}

/** Timestamps are uint64: a decimal string in OTLP/JSON, sometimes a number, or `{ low, high }` long bits. */
function nanos(value: unknown): bigint {
  if (typeof value === 'string' && value !== '') return BigInt(value);
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (value && typeof value === 'object' && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
  }
  return 0n;
}

const KIND_NAMES: Record<string, SpanKind> = {
  SPAN_KIND_INTERNAL: SpanKind.INTERNAL,
  SPAN_KIND_SERVER: SpanKind.SERVER,
  SPAN_KIND_CLIENT: SpanKind.CLIENT,
  SPAN_KIND_PRODUCER: SpanKind.PRODUCER,
  SPAN_KIND_CONSUMER: SpanKind.CONSUMER,
};

function decodeKind(kind: unknown): SpanKind {
  // OTLP numbers kinds from 1 (0 is "unspecified"); the API numbers them from 0.
  if (typeof kind === 'number') return kind >= 1 && kind <= 5 ? ((kind - 1) as SpanKind) : SpanKind.INTERNAL;
  return KIND_NAMES[String(kind)] ?? SpanKind.INTERNAL;
}

function decodeStatusCode(code: unknown): SpanStatusCode {
  if (code === 1 || code === 'STATUS_CODE_OK') return SpanStatusCode.OK;
  if (code === 2 || code === 'STATUS_CODE_ERROR') return SpanStatusCode.ERROR;
  return SpanStatusCode.UNSET;
}

function decodeAttributes(list: unknown): Record<string, TraceFileValue> {
  const out: Record<string, TraceFileValue> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) if (kv && typeof kv.key === 'string') out[kv.key] = decodeValue(kv.value);
  return out;
}

function decodeValue(v: any): TraceFileValue {
  if (!v || typeof v !== 'object') return null;
  if ('stringValue' in v) return String(v.stringValue);
  if ('boolValue' in v) return Boolean(v.boolValue);
  if ('intValue' in v) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : BigInt(v.intValue);
  }
  // Number() also reads the "NaN" / "Infinity" strings proto3 JSON uses.
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('arrayValue' in v) return (v.arrayValue?.values ?? []).map(decodeValue);
  if ('kvlistValue' in v) return decodeAttributes(v.kvlistValue?.values);
  if ('bytesValue' in v) return new Uint8Array(Buffer.from(String(v.bytesValue), 'base64'));
  return null;
}
