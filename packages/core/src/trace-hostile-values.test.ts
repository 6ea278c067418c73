import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { setupGlassbox } from '@glassbox/test-harness';
import { describe, expect, it } from 'vitest';
import { ATTR, trace, withSpan } from './index.js';
import { pendingCount, sweep } from './internal/pending-promises.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const { spans, span, glassbox } = setupGlassbox();

/** A query builder: it runs its query only when `then` is called (Prisma, Drizzle, knex, Mongoose). */
function lazyQuery() {
  const runs = { count: 0, thenReads: 0 };
  const query = {
    where: 'id = 1',
    // biome-ignore lint/suspicious/noThenProperty: a lazy thenable is what is under test.
    get then() {
      runs.thenReads++;
      return (resolve: (v: unknown) => void) => {
        runs.count++;
        resolve([{ id: 1 }]);
      };
    },
  };
  return { query, runs };
}

describe('trace() never changes what a lazy thenable does', () => {
  it('a sync function returning a query builder: tracing neither runs it nor reads its then', async () => {
    const { query, runs } = lazyQuery();
    const find = trace(() => query, { name: 'find' });
    const returned = find();
    expect(returned).toBe(query);
    expect(runs).toEqual({ count: 0, thenReads: 0 });
    expect(await returned).toEqual([{ id: 1 }]);
    expect(runs.count).toBe(1);
    const s = await span('find');
    expect(s.ended).toBe(true);
    expect(s.attributes[ATTR.END_REASON]).toBe('thenable');
    expect(s.attributes[ATTR.OUTPUTS]).toBeUndefined();
  });

  it('the same with content capture off, and with a then data property', async () => {
    let runs = 0;
    const builder = {
      // biome-ignore lint/suspicious/noThenProperty: a lazy thenable is what is under test.
      then(resolve: (v: unknown) => void) {
        runs++;
        resolve('rows');
      },
    };
    const find = trace(() => builder, { name: 'findPrivate', captureContent: false });
    expect(find()).toBe(builder);
    expect(runs).toBe(0);
    await withSpan('tx', async () => {
      expect(await find()).toBe('rows');
    });
    expect(runs).toBe(1);
  });

  it('a native promise from a sync function is handed back itself, own properties kept, observed to its end', async () => {
    let resolve!: (v: string) => void;
    const promise = Object.assign(new Promise<string>((r) => (resolve = r)), { requestId: 'req-1' });
    const fetchIt = trace(() => promise, { name: 'fetchIt' });
    const returned = fetchIt();
    expect(returned).toBe(promise);
    expect((returned as typeof promise).requestId).toBe('req-1');
    resolve('payload');
    expect(await returned).toBe('payload');
    const s = await span('fetchIt');
    expect(s.attributes[ATTR.OUTPUTS]).toBe('"payload"');
  });

  it('an async function still settles to the same value and rejects with the same error object', async () => {
    const error = new Error('boom');
    const ok = trace(async (x: number) => x * 2, { name: 'okAsync' });
    const bad = trace(
      async () => {
        throw error;
      },
      { name: 'badAsync' },
    );
    expect(await ok(21)).toBe(42);
    await expect(bad()).rejects.toBe(error);
  });
});

describe('trace() returns hostile values untouched and still ends the span', () => {
  const cases: [string, () => unknown][] = [
    [
      'a Proxy whose traps throw',
      () =>
        new Proxy(
          {},
          {
            get() {
              throw new Error('get trap');
            },
            has() {
              throw new Error('has trap');
            },
            getPrototypeOf() {
              throw new Error('getPrototypeOf trap');
            },
            ownKeys() {
              throw new Error('ownKeys trap');
            },
            getOwnPropertyDescriptor() {
              throw new Error('gopd trap');
            },
          },
        ),
    ],
    [
      'a revoked Proxy',
      () => {
        const { proxy, revoke } = Proxy.revocable({}, {});
        revoke();
        return proxy;
      },
    ],
    [
      'a strict Proxy that throws on unknown keys',
      () => {
        const known = new Set<PropertyKey>(['id']);
        return new Proxy(
          { id: 1 },
          {
            get(target, key) {
              if (!known.has(key)) throw new TypeError(`unknown key ${String(key)}`);
              return (target as Record<PropertyKey, unknown>)[key];
            },
          },
        );
      },
    ],
    [
      'an object whose Symbol.toStringTag getter throws',
      () => ({
        get [Symbol.toStringTag]() {
          throw new Error('tag');
        },
      }),
    ],
    [
      'a promise whose constructor getter throws',
      () => {
        const p = Promise.resolve(7);
        Object.defineProperty(p, 'constructor', {
          get() {
            throw new Error('constructor getter');
          },
        });
        return p;
      },
    ],
  ];

  for (const [label, make] of cases) {
    it(label, async () => {
      const value = make();
      const name = `hostile ${label}`;
      const f = trace(() => value, { name });
      let returned: unknown;
      expect(() => {
        returned = f();
      }).not.toThrow();
      expect(returned).toBe(value);
      await new Promise((r) => setTimeout(r, 5));
      const s = await span(name);
      expect(s.ended).toBe(true);
    });
  }

  it('a frozen generator is returned untouched, still iterates, and its span ends', async () => {
    function* gen() {
      yield 1;
      yield 2;
    }
    const g = Object.freeze(gen());
    const f = trace(() => g, { name: 'frozenGen' });
    const returned = f();
    expect(returned).toBe(g);
    expect(Object.getOwnPropertyNames(g)).toEqual([]);
    expect([...returned]).toEqual([1, 2]);
    const s = await span('frozenGen');
    expect(s.attributes[ATTR.STREAM_END]).toBe('unobservable');
  });

  it('a non-extensible async generator is returned untouched and still iterates', async () => {
    async function* gen() {
      yield 'a';
    }
    const g = Object.preventExtensions(gen());
    const returned = trace(() => g, { name: 'sealedGen' })();
    expect(returned).toBe(g);
    const items: string[] = [];
    for await (const item of returned) items.push(item);
    expect(items).toEqual(['a']);
    expect((await span('sealedGen')).ended).toBe(true);
  });

  it('an object that only claims to be a Generator by its tag is not mutated, and its span ends', async () => {
    const fake = { [Symbol.toStringTag]: 'Generator', next: () => ({ done: true, value: 1 }) };
    const before = Object.getOwnPropertyDescriptors(fake);
    const returned = trace(() => fake, { name: 'fakeGen' })();
    expect(returned).toBe(fake);
    expect(Object.getOwnPropertyDescriptors(fake)).toEqual(before);
    expect((await span('fakeGen')).ended).toBe(true);
  });
});

describe('a promise that never settles', () => {
  it('ends its span as abandoned when the promise is collected, and is counted', async () => {
    const before = glassbox.stats().spansAbandoned;
    const never = trace(() => new Promise(() => {}), { name: 'neverSettles' });
    (() => {
      void never();
    })();
    expect(pendingCount()).toBeGreaterThan(0);
    // A sweep registers the promises pending since the sweep before (here: all of them at once).
    sweep(true);
    for (let i = 0; i < 20 && !(await spans()).some((s) => s.name === 'neverSettles'); i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    const s = await span('neverSettles');
    expect(s.attributes[ATTR.END_REASON]).toBe('abandoned');
    expect(glassbox.stats().spansAbandoned).toBe(before + 1);
  });

  it('a promise that settles is no longer watched', async () => {
    const quick = trace(async () => 1, { name: 'quick' });
    await quick();
    await new Promise((r) => setTimeout(r, 0));
    expect((await span('quick')).attributes[ATTR.END_REASON]).toBeUndefined();
  });
});
