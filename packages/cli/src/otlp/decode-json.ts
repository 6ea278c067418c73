import type { Attrs, AttrValue, SpanEventRecord, SpanLinkRecord, SpanRecord } from '../store/span-record.js';
import { OtlpRequestError } from './otlp-request-error.js';
import {
  type DecodedSpans,
  isZeroSpanId,
  MAX_VALUE_DEPTH,
  Rejections,
  serviceNameOf,
  setAttr,
  statusCode,
} from './span-values.js';

type Obj = Record<string, unknown>;

const KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const MAX_UINT64 = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function fail(path: string, what: string): never {
  throw new OtlpRequestError(400, `JSON: ${path} ${what}`);
}

/** A field by its lowerCamelCase name, or by the proto name, which proto3 JSON parsers also accept. */
function get(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v === undefined || v === null ? o[snake] : v;
}

function objectAt(v: unknown, path: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) fail(path, 'is not an object');
  return v as Obj;
}

function arrayAt(v: unknown, path: string): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(path, 'is not an array');
  return v;
}

function stringAt(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(path, 'is not a string');
  return v;
}

/** A uint64 (a decimal string, or a number, in proto3 JSON). */
function uint64At(v: unknown, path: string): bigint {
  if (v === undefined || v === null) return 0n;
  let n: bigint | undefined;
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isInteger(v) && v >= 0) n = BigInt(v);
  if (n === undefined || n > MAX_UINT64) fail(path, 'is not a uint64 (a decimal string or integer)');
  return n;
}

/** An enum: its number, or its name. Unknown numbers are kept for the caller to map. */
function enumAt(v: unknown, names: readonly string[], path: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const i = typeof v === 'string' ? names.indexOf(v) : -1;
  if (i < 0) fail(path, `is not one of ${names.join(', ')} or an integer`);
  return i;
}

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A trace or span id as lower-case hex, or why it is unusable. Hex is OTLP/JSON; base64 is what generic protobuf JSON tools write. */
function idAt(v: unknown, bytes: number): { id: string } | { problem: string } {
  if (v === undefined || v === null || v === '') return { problem: 'is missing' };
  if (typeof v !== 'string') return { problem: 'is not a string' };
  let id: string | undefined;
  if (v.length === bytes * 2 && HEX.test(v)) id = v.toLowerCase();
  else if (v.length === Math.ceil(bytes / 3) * 4 && BASE64.test(v)) {
    const raw = Buffer.from(v, 'base64');
    if (raw.length === bytes) id = raw.toString('hex');
  }
  if (id === undefined) return { problem: `is not ${bytes * 2} hex characters` };
  return /^0+$/.test(id) ? { problem: 'is all zeros' } : { id };
}

/** Decodes an OTLP/JSON `ExportTraceServiceRequest`; throws `OtlpRequestError` (400) on bad JSON or shapes. */
export function decodeJsonRequest(body: Buffer): DecodedSpans {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (error) {
    throw new OtlpRequestError(400, `JSON: ${(error as Error).message}`);
  }
  const root = objectAt(request, 'the request');
  if (root === undefined) fail('the request', 'is not an object');
  const spans: SpanRecord[] = [];
  const rejections = new Rejections();
  const list = arrayAt(get(root, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  for (let ri = 0; ri < list.length; ri++) resourceSpans(list[ri], `resourceSpans[${ri}]`, spans, rejections);
  return rejections.result(spans);
}

function resourceSpans(v: unknown, at: string, out: SpanRecord[], rejections: Rejections): void {
  const rs = objectAt(v, at);
  if (rs === undefined) return;
  const res = objectAt(rs.resource, `${at}.resource`);
  const resource = res ? attributes(res.attributes, `${at}.resource.attributes`) : {};
  const serviceName = serviceNameOf(resource);
  const list = arrayAt(get(rs, 'scopeSpans', 'scope_spans'), `${at}.scopeSpans`);
  for (let si = 0; si < list.length; si++) {
    const sat = `${at}.scopeSpans[${si}]`;
    const ss = objectAt(list[si], sat);
    if (ss === undefined) continue;
    const sc = objectAt(ss.scope, `${sat}.scope`);
    const scope: SpanRecord['scope'] = { name: sc ? stringAt(sc.name, `${sat}.scope.name`) : '' };
    const version = sc ? stringAt(sc.version, `${sat}.scope.version`) : '';
    if (version !== '') scope.version = version;
    const spans = arrayAt(ss.spans, `${sat}.spans`);
    for (let ki = 0; ki < spans.length; ki++) {
      const record = span(spans[ki], `${sat}.spans[${ki}]`, rejections);
      if (record === undefined) continue;
      record.serviceName = serviceName;
      record.resource = resource;
      record.scope = scope;
      out.push(record);
    }
  }
}

function span(v: unknown, at: string, rejections: Rejections): SpanRecord | undefined {
  const s = objectAt(v, at);
  if (s === undefined) fail(at, 'is not an object');
  const name = stringAt(s.name, `${at}.name`);
  const start = uint64At(get(s, 'startTimeUnixNano', 'start_time_unix_nano'), `${at}.startTimeUnixNano`);
  const end = uint64At(get(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${at}.endTimeUnixNano`);
  const kind = enumAt(s.kind, KINDS, `${at}.kind`);
  const st = objectAt(s.status, `${at}.status`);
  const code = st ? enumAt(st.code, STATUS_CODES, `${at}.status.code`) : 0;
  const message = st ? stringAt(st.message, `${at}.status.message`) : '';
  const attrs = attributes(s.attributes, `${at}.attributes`);
  const events = arrayAt(s.events, `${at}.events`).map((e, i) => event(e, `${at}.events[${i}]`));
  const links: SpanLinkRecord[] = [];
  const linkList = arrayAt(s.links, `${at}.links`);
  for (let i = 0; i < linkList.length; i++) {
    const link = linkOf(linkList[i], `${at}.links[${i}]`);
    if (link !== undefined) links.push(link);
  }
  const traceId = idAt(get(s, 'traceId', 'trace_id'), 16);
  const spanId = idAt(get(s, 'spanId', 'span_id'), 8);
  const rawParent = get(s, 'parentSpanId', 'parent_span_id');
  const parent =
    rawParent === undefined || rawParent === null || rawParent === '' ? undefined : idAt(rawParent, 8);
  const problem =
    'problem' in traceId
      ? `traceId ${traceId.problem}`
      : 'problem' in spanId
        ? `spanId ${spanId.problem}`
        : parent !== undefined && 'problem' in parent && parent.problem !== 'is all zeros'
          ? `parentSpanId ${parent.problem}`
          : undefined;
  if (problem !== undefined || !('id' in traceId) || !('id' in spanId)) {
    rejections.reject(`${at}.${problem}`);
    return undefined;
  }
  const record: SpanRecord = {
    traceId: traceId.id,
    spanId: spanId.id,
    name,
    kind: kind >= 1 && kind <= 5 ? kind - 1 : 0,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    startMs: Number(start) / 1e6,
    durationMs: Number(end - start) / 1e6,
    statusCode: statusCode(code),
    serviceName: '',
    attributes: attrs,
    events,
    links,
    resource: {},
    scope: { name: '' },
  };
  if (parent !== undefined && 'id' in parent && !isZeroSpanId(parent.id)) record.parentSpanId = parent.id;
  if (message !== '') record.statusMessage = message;
  return record;
}

function event(v: unknown, at: string): SpanEventRecord {
  const e = objectAt(v, at) ?? {};
  return {
    name: stringAt(e.name, `${at}.name`),
    timeUnixNano: uint64At(get(e, 'timeUnixNano', 'time_unix_nano'), `${at}.timeUnixNano`).toString(),
    attributes: attributes(e.attributes, `${at}.attributes`),
  };
}

/** A link, or undefined when its ids are unusable (the span itself is kept). */
function linkOf(v: unknown, at: string): SpanLinkRecord | undefined {
  const l = objectAt(v, at) ?? {};
  const attrs = attributes(l.attributes, `${at}.attributes`);
  const traceId = idAt(get(l, 'traceId', 'trace_id'), 16);
  const spanId = idAt(get(l, 'spanId', 'span_id'), 8);
  if (!('id' in traceId) || !('id' in spanId)) return undefined;
  return { traceId: traceId.id, spanId: spanId.id, attributes: attrs };
}

function attributes(v: unknown, at: string, depth = 0): Attrs {
  const out: Attrs = {};
  const list = arrayAt(v, at);
  for (let i = 0; i < list.length; i++) {
    const kvAt = `${at}[${i}]`;
    const kv = objectAt(list[i], kvAt);
    if (kv === undefined) continue;
    setAttr(out, stringAt(kv.key, `${kvAt}.key`), anyValue(kv.value, `${kvAt}.value`, depth));
  }
  return out;
}

function anyValue(v: unknown, at: string, depth: number): AttrValue {
  const o = objectAt(v, at);
  if (o === undefined) return null;
  let x: unknown;
  if ((x = get(o, 'stringValue', 'string_value')) !== undefined && x !== null) {
    if (typeof x !== 'string') fail(`${at}.stringValue`, 'is not a string');
    return x;
  }
  if ((x = get(o, 'boolValue', 'bool_value')) !== undefined && x !== null) {
    if (typeof x !== 'boolean') fail(`${at}.boolValue`, 'is not a boolean');
    return x;
  }
  if ((x = get(o, 'intValue', 'int_value')) !== undefined && x !== null) return int64At(x, `${at}.intValue`);
  if ((x = get(o, 'doubleValue', 'double_value')) !== undefined && x !== null) {
    return doubleAt(x, `${at}.doubleValue`);
  }
  if ((x = get(o, 'arrayValue', 'array_value')) !== undefined && x !== null) {
    if (depth >= MAX_VALUE_DEPTH) fail(at, `is nested deeper than ${MAX_VALUE_DEPTH} levels`);
    const values = arrayAt(objectAt(x, `${at}.arrayValue`)?.values, `${at}.arrayValue.values`);
    return values.map((item, i) => anyValue(item, `${at}.arrayValue.values[${i}]`, depth + 1));
  }
  if ((x = get(o, 'kvlistValue', 'kvlist_value')) !== undefined && x !== null) {
    if (depth >= MAX_VALUE_DEPTH) fail(at, `is nested deeper than ${MAX_VALUE_DEPTH} levels`);
    return attributes(objectAt(x, `${at}.kvlistValue`)?.values, `${at}.kvlistValue.values`, depth + 1);
  }
  if ((x = get(o, 'bytesValue', 'bytes_value')) !== undefined && x !== null) {
    if (typeof x !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(x))
      fail(`${at}.bytesValue`, 'is not base64');
    return Buffer.from(x, 'base64').toString('base64');
  }
  return null;
}

function int64At(x: unknown, at: string): number | string {
  if (typeof x === 'number' && Number.isInteger(x)) {
    return Number.isSafeInteger(x) ? x : BigInt(x).toString();
  }
  if (typeof x === 'string' && /^-?\d{1,20}$/.test(x)) {
    const n = Number(x);
    if (Number.isSafeInteger(n)) return n;
    const big = BigInt(x);
    if (big >= INT64_MIN && big <= INT64_MAX) return big.toString();
  }
  return fail(at, 'is not an int64 (a decimal string or integer)');
}

function doubleAt(x: unknown, at: string): number | string {
  if (typeof x === 'number') return x;
  if (x === 'NaN' || x === 'Infinity' || x === '-Infinity') return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return fail(at, 'is not a number');
}
