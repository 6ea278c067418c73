import { setupGlassbox } from '@glassbox/test-harness';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeNamedCapture } from './capture/serialize.js';
import { ATTR, trace } from './index.js';
import { createRedactor, serialize } from './instrumentation.js';

const { exporter, span } = setupGlassbox({ maxValueLength: 200 });
afterEach(() => exporter.reset());

/** What `trace` records for these arguments: the JSON of `{ [names[i]]: args[i] }`, as `serialize` writes it. */
function expected(names: string[], args: unknown[]): string {
  const named: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) named[names[i]!] = args[i];
  return serialize(named, { maxLength: 200, redactor: createRedactor() }).json;
}

const leaf = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    'sk-abcdefghijklmnopqrstuvwx',
    'Bearer abcdefgh12345',
    'a"b\\c\n',
    '\ud800',
    'x'.repeat(300),
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
const value = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 6 }), leaf),
);

describe('trace: inputs under parameter names', () => {
  it('records exactly what serialize writes for the object of named arguments', async () => {
    // `password` is a secret name: its value is never read, even when undefined.
    const fn = trace(function search(query: unknown, password: unknown, options: unknown) {
      return [query, password, options].length;
    });
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 3 }), async (args) => {
        exporter.reset();
        (fn as (...a: unknown[]) => number)(...args);
        const recorded = (await span('search')).attributes[ATTR.INPUTS];
        expect(recorded).toBe(
          args.length === 0 ? undefined : expected(['query', 'password', 'options'], args),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same JSON as serialize whether it finishes on the fast path or not', () => {
    const redactor = createRedactor();
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 64, max: 400 }),
        (args, max) => {
          const names = args.map((_, i) => `p${i}`);
          const named: Record<string, unknown> = {};
          for (let i = 0; i < args.length; i++) named[names[i]!] = args[i];
          const direct = serializeNamedCapture(names, args, args.length, max, redactor);
          const reference = serialize(named, { maxLength: max, redactor });
          expect(typeof direct === 'string' ? { json: direct, truncated: false } : direct).toEqual(reference);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps the object semantics for names that change what the object is', async () => {
    // A parameter named toJSON holding a function: the named object has a toJSON method, which is called.
    const withToJSON = trace(function custom(toJSON: unknown, other: unknown) {
      return [toJSON, other];
    });
    withToJSON(() => 'from toJSON', 1);
    expect((await span('custom')).attributes[ATTR.INPUTS]).toBe('"from toJSON"');
    // Duplicate names (sloppy-mode functions): the last argument wins, in the first name's position.
    const duplicate = trace(new Function('a', 'a', 'b', 'return a + b') as (...a: number[]) => number, {
      name: 'duplicate',
    });
    duplicate(1, 2, 3);
    expect((await span('duplicate')).attributes[ATTR.INPUTS]).toBe(expected(['a', 'a', 'b'], [1, 2, 3]));
    expect((await span('duplicate')).attributes[ATTR.INPUTS]).toBe('{"a":2,"b":3}');
  });
});
