import { setupGlassbox } from '@glassbox/test-harness';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR, trace } from '../src/index.js';

const MAX = 2048;
const { exporter, spans } = setupGlassbox({ maxValueLength: MAX });
afterEach(() => exporter.reset());

// Values no serializer should trust: cycles, throwing getters, proxies whose every trap throws, huge
// strings and buffers, exotic objects.
function hostileValues(): fc.Arbitrary<unknown> {
  const cyclic = fc.constant(null).map(() => {
    const a: any = { name: 'a' };
    a.self = a;
    a.list = [a, { back: a }];
    return a;
  });
  const throwingGetter = fc.string().map((msg) => {
    const o = { ok: 1 };
    Object.defineProperty(o, 'bad', {
      enumerable: true,
      get: () => {
        throw new Error(msg);
      },
    });
    return o;
  });
  // Wrapped in an object: fast-check itself would trip over a bare hostile proxy.
  const hostileProxy = fc.constant(null).map(() => ({
    proxy: new Proxy(
      {},
      new Proxy(
        {},
        {
          get: () => () => {
            throw new Error('trap');
          },
        },
      ),
    ),
  }));
  const huge = fc.integer({ min: 10_000, max: 200_000 }).map((n) => 'x'.repeat(n));
  const buffer = fc.integer({ min: 1, max: 100_000 }).map((n) => Buffer.alloc(n, 1));
  const deep = fc.integer({ min: 100, max: 5_000 }).map((n) => {
    let v: any = 'leaf';
    for (let i = 0; i < n; i++) v = { v };
    return v;
  });
  const secret = fc.constant({ apiKey: `sk-${'a'.repeat(40)}`, note: `Bearer ${'b'.repeat(30)}` });
  return fc.oneof(
    fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withBoxedValues: true,
    }),
    cyclic,
    throwingGetter,
    hostileProxy,
    huge,
    buffer,
    deep,
    secret,
    fc.constant(Symbol('s')),
    fc.constant(() => 1),
    fc.constant(new Error('boom', { cause: new TypeError('inner') })),
  );
}

function assertBoundedJson(value: unknown): void {
  if (value === undefined) return;
  expect(typeof value).toBe('string');
  const text = value as string;
  expect(text.length).toBeLessThanOrEqual(MAX);
  expect(() => JSON.parse(text)).not.toThrow();
  expect(text).not.toContain('a'.repeat(40));
}

describe('trace() with random and hostile values', () => {
  it('returns exactly what the function returns and records valid, bounded, redacted JSON', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValues(), hostileValues(), fc.boolean(), async (input, output, asyncFn) => {
        exporter.reset();
        const fn = asyncFn
          ? trace(async (x: unknown) => (x === input ? output : 'wrong'), { name: 'prop' })
          : trace((x: unknown) => (x === input ? output : 'wrong'), { name: 'prop' });
        const result = fn(input);
        if (asyncFn) {
          expect(result).toBeInstanceOf(Promise);
          expect(await result).toBe(output);
        } else {
          expect(result).toBe(output);
        }
        const [span] = await spans();
        expect(span?.ended).toBe(true);
        assertBoundedJson(span?.attributes[ATTR.INPUTS]);
        assertBoundedJson(span?.attributes[ATTR.OUTPUTS]);
      }),
      { numRuns: 150 },
    );
  });

  it('rethrows any thrown value unchanged, whatever it is', async () => {
    await fc.assert(
      fc.asyncProperty(hostileValues(), async (thrown) => {
        exporter.reset();
        const fn = trace(
          () => {
            throw thrown;
          },
          { name: 'throws' },
        );
        let caught: unknown = 'nothing';
        try {
          fn();
        } catch (e) {
          caught = e;
        }
        expect(caught).toBe(thrown);
        const [span] = await spans();
        expect(span?.status.code).toBe(2);
        expect(typeof span?.attributes[ATTR.ERROR_TYPE]).toBe('string');
      }),
      { numRuns: 100 },
    );
  });
});
