import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact.js';
import { DEFAULT_MAX_LENGTH, MIN_MAX_LENGTH, serialize } from './serialize.js';

const redactor = createRedactor()!;

/** Strings with the characters that break naive serializers: quotes, controls, lone surrogates, emoji. */
const nastyUnit = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) },
  { weight: 2, arbitrary: fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u2028', '😀', '…', '[') },
);
const nastyText = fc.string({ unit: nastyUnit, maxLength: 60 });

/** Holds a value fast-check must neither probe nor print (symbol keys are invisible to serialize). */
function opaque(value: unknown, label: string): object {
  return { value, [fc.toStringMethod]: () => label };
}

/** Values built by hand that fast-check does not generate: every kind of trap for a serializer. */
function hostileValues(): unknown[] {
  const cyclic: Record<string, unknown> = { name: 'cycle' };
  cyclic.self = cyclic;
  const fail = () => {
    throw new Error('trap');
  };
  const allTrapsThrow = new Proxy({}, { get: fail, ownKeys: fail, getPrototypeOf: fail, has: fail });
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  let deep: unknown = 'bottom';
  for (let i = 0; i < 5_000; i++) deep = { d: [deep] };
  const error = new Error('outer', { cause: cyclic });
  return [
    cyclic,
    {
      get broken() {
        throw new Error('getter');
      },
    },
    {
      toJSON() {
        throw new TypeError('toJSON');
      },
    },
    allTrapsThrow,
    revoked,
    deep,
    new Array(50_000).fill('item'),
    'long '.repeat(20_000),
    error,
    new AggregateError([error, cyclic], 'many'),
    Buffer.alloc(4096),
    new Map<unknown, unknown>([[cyclic, allTrapsThrow]]),
    Promise.resolve(1),
    Symbol('s'),
    () => 1,
    // Wrapped: fast-check probes and prints generated values, which these values refuse or overflow.
  ].map((value, i) => opaque(value, `hostile#${i}`));
}

const anyValue = fc.anything({
  maxDepth: 4,
  maxKeys: 6,
  key: nastyText,
  values: [
    fc.boolean(),
    fc.integer(),
    fc.double(),
    nastyText,
    fc.constant(null),
    fc.constant(undefined),
    fc.constantFrom(...hostileValues()),
  ],
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
});

describe('serialize (properties)', () => {
  it('never throws and always returns valid JSON within the limit', () => {
    fc.assert(
      fc.property(
        anyValue,
        fc.option(fc.integer({ min: 0, max: 4000 })),
        fc.boolean(),
        (value, max, redact) => {
          const maxLength = max ?? DEFAULT_MAX_LENGTH;
          const result = serialize(value, { maxLength, redactor: redact ? redactor : undefined });
          expect(result.json.length).toBeLessThanOrEqual(Math.max(maxLength, MIN_MAX_LENGTH));
          expect(() => JSON.parse(result.json)).not.toThrow();
          // The last-resort fallback hides defects (a limit overrun, a throw): no value here may need it.
          expect(result.json).not.toBe('"[Unserializable]"');
          expect(typeof result.truncated).toBe('boolean');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips JSON-safe values that fit, exactly like JSON.stringify', () => {
    const jsonish = fc.anything({
      maxDepth: 4,
      key: nastyText,
      values: [fc.boolean(), fc.integer(), fc.double(), nastyText, fc.constant(null), fc.constant(undefined)],
      withBoxedValues: true,
      withDate: true,
      withSparseArray: true,
      withNullPrototype: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(jsonish, fc.nat(40), (value, slack) => {
        fc.pre(isJsonSafe(value));
        const expected = value === undefined ? null : JSON.parse(JSON.stringify(value));
        fc.pre(!hasSecret(expected));
        // The limit is at or just above the JSON length: fitting values must never be cut.
        const maxLength = Math.max(MIN_MAX_LENGTH, (JSON.stringify(value) ?? 'null').length + slack);
        const result = serialize(value, { maxLength, redactor });
        expect(result.truncated).toBe(false);
        expect(JSON.parse(result.json)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('never lets any part of a default secret through, wherever a cut falls', () => {
    const body = fc.string({ unit: fc.constantFrom(...'KMQVWXYZ'), minLength: 40, maxLength: 80 });
    const secrets: ((body: string) => string)[] = [
      (b) => `sk-${b}`,
      (b) => `sk-proj-${b}`,
      (b) => `sk-ant-api03-${b}`,
      (b) => `Bearer ${b}`,
      (b) => `AKIA${b.slice(0, 16)}`,
      (b) => `ghp_${b}`,
      (b) => `github_pat_${b}`,
      (b) => `eyJ${b}.eyJ${b}.${b}`,
      (b) => `xoxb-${b}`,
      (b) => `AIza${b.slice(0, 35)}`,
      (b) => `sk_live_${b}`,
      (b) => `postgres://admin:${b}@db.internal:5432`,
      (b) => `https://api.example.com/v1?x=1&access_token=${b}`,
      (b) => `-----BEGIN PRIVATE KEY-----\n${b}\n${b}\n-----END PRIVATE KEY-----`,
    ];
    const containers: ((text: string) => unknown)[] = [
      (t) => t,
      (t) => ['first', t, 'last'],
      (t) => ({ message: t }),
      (t) => ({ [t]: 'as a key' }),
      (t) => ({ nested: { deeper: [1, { t }] } }),
      (t) => new Map([[t, t]]),
      (t) => new Set([t]),
      (t) => new Error(t),
      (t) => ({
        get failing() {
          throw new Error(t);
        },
      }),
    ];
    const filler = fc.string({ unit: fc.constantFrom(...'abcdefghij .,;\n'), maxLength: 400 });
    fc.assert(
      fc.property(
        fc.nat(secrets.length - 1),
        body,
        filler,
        filler,
        fc.nat(containers.length - 1),
        fc.integer({ min: 0, max: 700 }),
        (which, secretBody, before, after, where, maxLength) => {
          const text = `${before} ${secrets[which]!(secretBody)} ${after}`;
          const json = serialize(containers[where]!(text), { maxLength, redactor }).json;
          for (let i = 0; i + 4 <= secretBody.length; i++) {
            expect(json).not.toContain(secretBody.slice(i, i + 4));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

/** Values JSON.stringify writes the way serialize does (no Map, Set, BigInt, binary, invalid Date...). */
function isJsonSafe(value: unknown): boolean {
  if (value === null || typeof value !== 'object') {
    return ['string', 'number', 'boolean', 'undefined'].includes(typeof value) || value === null;
  }
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (value instanceof String || value instanceof Number || value instanceof Boolean) return true;
  if (Array.isArray(value)) return value.every((item) => item === undefined || isJsonSafe(item));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value).every(isJsonSafe);
}

/** Whether redaction would change this parsed JSON (then the round trip is rightly not exact). */
function hasSecret(value: unknown): boolean {
  if (typeof value === 'string') return redactor.redactText(value) !== value;
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(
    ([key, item]) => redactor.isSecretKey(key) || redactor.redactText(key) !== key || hasSecret(item),
  );
}
