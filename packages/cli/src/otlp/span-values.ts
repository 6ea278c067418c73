import type { Attrs, AttrValue, SpanRecord } from '../store/span-record.js';

/** The `service.name` a span gets when its resource names none (what the OpenTelemetry SDKs default to). */
export const UNKNOWN_SERVICE = 'unknown_service';

/** Nesting of array / kvlist attribute values beyond this is refused: it would only overflow the stack. */
export const MAX_VALUE_DEPTH = 64;

const TWO_32 = 4294967296;

/** A uint64 given as two 32-bit halves, as an exact decimal string. */
export function uint64String(lo: number, hi: number): string {
  // Below 2^53 the double is exact.
  if (hi < 0x200000) return String(hi * TWO_32 + lo);
  // Above, split into base-1e7 limbs that stay exact in doubles (every nanosecond timestamp lands here;
  // this is several times cheaper than a BigInt): hi * 2^32 = a * 2^48 + b * 2^32 with a, b < 2^16.
  const a = Math.floor(hi / 65536);
  const b = hi % 65536;
  // 2^48 = 28147497 * 1e7 + 6710656 and 2^32 = 429 * 1e7 + 4967296.
  let low = a * 6710656 + b * 4967296 + lo;
  const carry = Math.floor(low / 1e7);
  low -= carry * 1e7;
  const high = a * 28147497 + b * 429 + carry;
  const digits = String(low);
  return String(high) + '0000000'.slice(digits.length) + digits;
}

/** An int64 given as two 32-bit halves (two's complement): a number when it is safe, else a decimal string. */
export function int64Value(lo: number, hi: number): number | string {
  if (hi < 0x80000000) return hi < 0x200000 ? hi * TWO_32 + lo : uint64String(lo, hi);
  const nlo = (~lo + 1) >>> 0;
  const nhi = (~hi + (nlo === 0 ? 1 : 0)) >>> 0;
  return nhi < 0x200000 ? -(nhi * TWO_32 + nlo) : `-${uint64String(nlo, nhi)}`;
}

/** A double as a JSON-safe value: NaN and the infinities become the strings proto3 JSON uses for them. */
export function doubleValue(n: number): number | string {
  if (Number.isFinite(n)) return n;
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/** The OTLP `SpanKind` (1-based, 0 unspecified) as the OpenTelemetry API enum (INTERNAL 0 ... CONSUMER 4). */
export function apiSpanKind(otlpKind: number): number {
  return otlpKind >= 1 && otlpKind <= 5 ? otlpKind - 1 : 0;
}

/** An OTLP status code, unknown values read as UNSET. */
export function statusCode(code: number): number {
  return code === 1 || code === 2 ? code : 0;
}

/** The `service.name` of a resource. */
export function serviceNameOf(resource: Attrs): string {
  const name = resource['service.name'];
  return typeof name === 'string' && name !== '' ? name : UNKNOWN_SERVICE;
}

/** Milliseconds from nanoseconds given as (lo, hi) halves, and the exact difference of two such times. */
export function nanosToMs(lo: number, hi: number): number {
  return (hi * TWO_32 + lo) / 1e6;
}

/** `end - start` in milliseconds; exact for any realistic span length, as the halves are subtracted first. */
export function durationMs(startLo: number, startHi: number, endLo: number, endHi: number): number {
  return ((endHi - startHi) * TWO_32 + (endLo - startLo)) / 1e6;
}

const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_SPAN = '0000000000000000';

/** Why a lower-case hex trace id is unusable, or undefined when it is fine. */
export function traceIdProblem(id: string): string | undefined {
  if (id.length !== 32) return 'is not 32 hex characters';
  return id === ZERO_TRACE ? 'is all zeros' : undefined;
}

/** Why a lower-case hex span id is unusable, or undefined when it is fine. */
export function spanIdProblem(id: string): string | undefined {
  if (id.length !== 16) return 'is not 16 hex characters';
  return id === ZERO_SPAN ? 'is all zeros' : undefined;
}

/** The invalid all-zero span id, which senders use for "no parent". */
export function isZeroSpanId(id: string): boolean {
  return id === ZERO_SPAN;
}

/** What decoding a request gives: the usable spans, and how many were rejected and why (partial success). */
export interface DecodedSpans {
  spans: SpanRecord[];
  rejectedSpans: number;
  errorMessage?: string;
}

/** Sets an attribute; a `__proto__` key is defined as an own property instead of replacing the prototype. */
export function setAttr(into: Attrs, key: string, value: AttrValue): void {
  if (key === '__proto__') {
    Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  } else into[key] = value;
}

/** Counts rejected spans and keeps the first reason, for the partial-success answer. */
export class Rejections {
  count = 0;
  first: string | undefined;

  reject(reason: string): void {
    this.count++;
    this.first ??= reason;
  }

  /** The decode result of `spans` with these rejections. */
  result(spans: SpanRecord[]): DecodedSpans {
    if (this.count === 0) return { spans, rejectedSpans: 0 };
    const what = this.count === 1 ? '1 span' : `${this.count} spans`;
    return { spans, rejectedSpans: this.count, errorMessage: `${what} rejected; first: ${this.first}` };
  }
}
