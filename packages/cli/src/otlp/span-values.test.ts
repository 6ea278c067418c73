import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiSpanKind, doubleValue, int64Value, setAttr, uint64String } from './span-values.js';

const halves = (v: bigint) => [Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)] as const;

describe('span value conversions', () => {
  it('writes every uint64 as its exact decimal', () => {
    for (const v of [
      0n,
      1n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      1796292133800361014n,
      10n ** 19n - 1n,
      2n ** 64n - 1n,
    ]) {
      expect(uint64String(...halves(v))).toBe(v.toString());
    }
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (v) => uint64String(...halves(v)) === v.toString(),
      ),
    );
  });

  it('reads int64 two’s complement: a number when safe, else an exact decimal string', () => {
    expect(int64Value(...halves(BigInt.asUintN(64, -1n)))).toBe(-1);
    expect(int64Value(...halves(BigInt.asUintN(64, -(2n ** 63n))))).toBe('-9223372036854775808');
    expect(int64Value(...halves(2n ** 63n - 1n))).toBe('9223372036854775807');
    expect(int64Value(...halves(BigInt(Number.MAX_SAFE_INTEGER)))).toBe(Number.MAX_SAFE_INTEGER);
    expect(int64Value(...halves(BigInt.asUintN(64, BigInt(Number.MIN_SAFE_INTEGER))))).toBe(
      Number.MIN_SAFE_INTEGER,
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const got = int64Value(...halves(BigInt.asUintN(64, v)));
        const safe = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
        return safe ? got === Number(v) : got === v.toString();
      }),
    );
  });

  it('maps OTLP span kinds to the API enum, and keeps doubles JSON-safe', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 99].map(apiSpanKind)).toEqual([0, 0, 1, 2, 3, 4, 0, 0]);
    expect([1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY].map(doubleValue)).toEqual([
      1.5,
      'NaN',
      'Infinity',
      '-Infinity',
    ]);
  });

  it('stores a __proto__ key as data, never as the prototype', () => {
    const attrs = {};
    setAttr(attrs, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(attrs)).toBe(Object.prototype);
    expect(Object.keys(attrs)).toEqual(['__proto__']);
    expect(JSON.stringify(attrs)).toBe('{"__proto__":{"polluted":true}}');
  });
});
