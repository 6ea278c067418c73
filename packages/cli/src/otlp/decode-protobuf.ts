import type { Attrs, AttrValue, SpanEventRecord, SpanLinkRecord, SpanRecord } from '../store/span-record.js';
import {
  ANY_VALUE,
  EVENT,
  KEY_VALUE,
  LINK,
  other,
  REQUEST,
  RESOURCE,
  RESOURCE_SPANS,
  SCOPE,
  SCOPE_SPANS,
  SPAN,
  STATUS,
  tag,
  VALUES,
} from './otlp-schema.js';
import { ProtobufReader, WIRE } from './protobuf-reader.js';
import {
  apiSpanKind,
  type DecodedSpans,
  doubleValue,
  durationMs,
  int64Value,
  isZeroSpanId,
  MAX_VALUE_DEPTH,
  nanosToMs,
  Rejections,
  serviceNameOf,
  setAttr,
  spanIdProblem,
  statusCode,
  traceIdProblem,
  uint64String,
} from './span-values.js';

const { VARINT, I64, LEN } = WIRE;

/** Decodes an OTLP/protobuf `ExportTraceServiceRequest`; throws `OtlpRequestError` (400) on malformed bytes. */
export function decodeProtobufRequest(body: Buffer): DecodedSpans {
  const r = new ProtobufReader(body);
  const spans: SpanRecord[] = [];
  const rejections = new Rejections();
  let ri = 0;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === tag(1, LEN)) {
      const parent = r.enter();
      resourceSpans(r, spans, rejections, ri++);
      r.leave(parent);
    } else other(r, t, REQUEST);
  }
  return rejections.result(spans);
}

function resourceSpans(r: ProtobufReader, out: SpanRecord[], rejections: Rejections, ri: number): void {
  const from = out.length;
  const attributes: Attrs = {};
  let si = 0;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === tag(1, LEN)) {
      const parent = r.enter();
      while (r.pos < r.end) {
        const rt = r.tag();
        if (rt === tag(1, LEN)) keyValue(r, attributes, 0);
        else other(r, rt, RESOURCE);
      }
      r.leave(parent);
    } else if (t === tag(2, LEN)) {
      const parent = r.enter();
      scopeSpans(r, out, rejections, ri, si++);
      r.leave(parent);
    } else other(r, t, RESOURCE_SPANS);
  }
  // The resource may come after the spans on the wire, so it is attached once the message is read.
  const serviceName = serviceNameOf(attributes);
  for (let i = from; i < out.length; i++) {
    const span = out[i]!;
    span.resource = attributes;
    span.serviceName = serviceName;
  }
}

function scopeSpans(
  r: ProtobufReader,
  out: SpanRecord[],
  rejections: Rejections,
  ri: number,
  si: number,
): void {
  const from = out.length;
  const scope: SpanRecord['scope'] = { name: '' };
  let ki = 0;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === tag(2, LEN)) {
      const parent = r.enter();
      const record = span(r, rejections, ri, si, ki++);
      if (record !== undefined) out.push(record);
      r.leave(parent);
    } else if (t === tag(1, LEN)) {
      const parent = r.enter();
      while (r.pos < r.end) {
        const st = r.tag();
        if (st === tag(1, LEN)) scope.name = r.string();
        else if (st === tag(2, LEN)) {
          const version = r.string();
          if (version !== '') scope.version = version;
        } else other(r, st, SCOPE);
      }
      r.leave(parent);
    } else other(r, t, SCOPE_SPANS);
  }
  for (let i = from; i < out.length; i++) out[i]!.scope = scope;
}

function span(
  r: ProtobufReader,
  rejections: Rejections,
  ri: number,
  si: number,
  ki: number,
): SpanRecord | undefined {
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let startLo = 0;
  let startHi = 0;
  let endLo = 0;
  let endHi = 0;
  const attributes: Attrs = {};
  const events: SpanEventRecord[] = [];
  const links: SpanLinkRecord[] = [];
  let code = 0;
  let message = '';
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case tag(1, LEN):
        traceId = r.hex();
        break;
      case tag(2, LEN):
        spanId = r.hex();
        break;
      case tag(4, LEN):
        parentSpanId = r.hex();
        break;
      case tag(5, LEN):
        name = r.string();
        break;
      case tag(6, VARINT):
        kind = apiSpanKind(r.varint());
        break;
      case tag(7, I64):
        startLo = r.fixed64();
        startHi = r.hi;
        break;
      case tag(8, I64):
        endLo = r.fixed64();
        endHi = r.hi;
        break;
      case tag(9, LEN):
        keyValue(r, attributes, 0);
        break;
      case tag(11, LEN):
        events.push(event(r));
        break;
      case tag(13, LEN): {
        const link = linkOf(r);
        if (link !== undefined) links.push(link);
        break;
      }
      case tag(15, LEN): {
        const parent = r.enter();
        while (r.pos < r.end) {
          const st = r.tag();
          if (st === tag(2, LEN)) message = r.string();
          else if (st === tag(3, VARINT)) code = statusCode(r.varint());
          else other(r, st, STATUS);
        }
        r.leave(parent);
        break;
      }
      default:
        other(r, t, SPAN);
    }
  }
  const problem =
    idProblem('traceId', traceId, 16) ??
    idProblem('spanId', spanId, 8) ??
    (parentSpanId.length === 0 || parentSpanId.length === 16
      ? undefined
      : `parentSpanId has ${parentSpanId.length / 2} bytes, expected 8`);
  if (problem !== undefined) {
    rejections.reject(
      `resourceSpans[${ri}].scopeSpans[${si}].spans[${ki}] (${JSON.stringify(name)}): ${problem}`,
    );
    return undefined;
  }
  const record: SpanRecord = {
    traceId,
    spanId,
    name,
    kind,
    startTimeUnixNano: uint64String(startLo, startHi),
    endTimeUnixNano: uint64String(endLo, endHi),
    startMs: nanosToMs(startLo, startHi),
    durationMs: durationMs(startLo, startHi, endLo, endHi),
    statusCode: code,
    serviceName: '',
    attributes,
    events,
    links,
    resource: EMPTY,
    scope: NO_SCOPE,
  };
  if (parentSpanId !== '' && !isZeroSpanId(parentSpanId)) record.parentSpanId = parentSpanId;
  if (message !== '') record.statusMessage = message;
  return record;
}

const EMPTY: Attrs = {};
const NO_SCOPE: SpanRecord['scope'] = { name: '' };

function idProblem(field: string, hex: string, bytes: number): string | undefined {
  if (hex.length === 0) return `${field} is missing`;
  if (hex.length !== bytes * 2) return `${field} has ${hex.length / 2} bytes, expected ${bytes}`;
  return (bytes === 16 ? traceIdProblem(hex) : spanIdProblem(hex)) && `${field} is all zeros`;
}

function event(r: ProtobufReader): SpanEventRecord {
  const parent = r.enter();
  let lo = 0;
  let hi = 0;
  let name = '';
  const attributes: Attrs = {};
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === tag(1, I64)) {
      lo = r.fixed64();
      hi = r.hi;
    } else if (t === tag(2, LEN)) name = r.string();
    else if (t === tag(3, LEN)) keyValue(r, attributes, 0);
    else other(r, t, EVENT);
  }
  r.leave(parent);
  return { name, timeUnixNano: uint64String(lo, hi), attributes };
}

/** A link, or undefined when its ids are unusable (the span itself is kept). */
function linkOf(r: ProtobufReader): SpanLinkRecord | undefined {
  const parent = r.enter();
  let traceId = '';
  let spanId = '';
  const attributes: Attrs = {};
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === tag(1, LEN)) traceId = r.hex();
    else if (t === tag(2, LEN)) spanId = r.hex();
    else if (t === tag(4, LEN)) keyValue(r, attributes, 0);
    else other(r, t, LINK);
  }
  r.leave(parent);
  if (traceIdProblem(traceId) !== undefined || spanIdProblem(spanId) !== undefined) return undefined;
  return { traceId, spanId, attributes };
}

function keyValue(r: ProtobufReader, into: Attrs, depth: number): void {
  const parent = r.enter();
  let key = '';
  let value: AttrValue = null;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === tag(1, LEN)) key = r.string();
    else if (t === tag(2, LEN)) value = anyValue(r, depth);
    else other(r, t, KEY_VALUE);
  }
  r.leave(parent);
  setAttr(into, key, value);
}

function anyValue(r: ProtobufReader, depth: number): AttrValue {
  const parent = r.enter();
  let value: AttrValue = null;
  while (r.pos < r.end) {
    const t = r.tag();
    switch (t) {
      case tag(1, LEN):
        value = r.string();
        break;
      case tag(2, VARINT):
        value = (r.varint() | r.hi) !== 0;
        break;
      case tag(3, VARINT): {
        const lo = r.varint();
        value = int64Value(lo, r.hi);
        break;
      }
      case tag(4, I64):
        value = doubleValue(r.double());
        break;
      case tag(5, LEN):
      case tag(6, LEN):
        value = nested(r, t === tag(6, LEN), depth + 1);
        break;
      case tag(7, LEN):
        value = r.base64();
        break;
      default:
        other(r, t, ANY_VALUE);
    }
  }
  r.leave(parent);
  return value;
}

/** An `ArrayValue` or a `KeyValueList`. */
function nested(r: ProtobufReader, kvlist: boolean, depth: number): AttrValue {
  if (depth > MAX_VALUE_DEPTH) r.fail(`attribute value nested deeper than ${MAX_VALUE_DEPTH} levels`);
  const parent = r.enter();
  const list: AttrValue[] = [];
  const map: Attrs = {};
  while (r.pos < r.end) {
    const t = r.tag();
    if (t !== tag(1, LEN)) other(r, t, VALUES);
    else if (kvlist) keyValue(r, map, depth);
    else list.push(anyValue(r, depth));
  }
  r.leave(parent);
  return kvlist ? map : list;
}
