import { describe, expect, it } from 'vitest';
import { parse, redactor, run } from './__fixtures__/serialize-run.js';
import { createRedactor } from './redact.js';
import { serialize } from './serialize.js';

/** Counts every call of the functions it hands out: what capture must never invoke. */
function tripwire() {
  const calls: string[] = [];
  const trip =
    (name: string, result?: unknown) =>
    (..._args: unknown[]): any => {
      calls.push(name);
      return result;
    };
  return { calls, trip };
}

/** A Proxy handler with every trap, each of which records that it ran and then behaves normally. */
function recordingHandler(calls: string[]): ProxyHandler<object> {
  const handler: ProxyHandler<object> = {};
  for (const trap of Object.getOwnPropertyNames(Reflect) as (keyof typeof Reflect)[]) {
    (handler as Record<string, unknown>)[trap] = (...args: unknown[]) => {
      calls.push(trap);
      return (Reflect[trap] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return handler;
}

/** The same value through the fast writer and through the Serializer (a `replace` hook forces it). */
const identity = createRedactor({ replace: (_path, value) => value })!;
function bothWriters(value: unknown): unknown[] {
  return [parse(value), JSON.parse(serialize(value, { maxLength: 16_384, redactor: identity }).json)];
}

describe('serialize: what capture reads', () => {
  it('writes accessors as markers and never invokes them, in the fast writer and the Serializer', () => {
    const { calls, trip } = tripwire();
    const value = Object.defineProperties({ a: 1 } as Record<string, unknown>, {
      getter: { get: trip('get'), enumerable: true },
      setter: { set: trip('set'), enumerable: true },
      both: { get: trip('get'), set: trip('set'), enumerable: true },
    });
    for (const json of bothWriters(value)) {
      expect(json).toEqual({ a: 1, getter: '[Getter]', setter: '[Setter]', both: '[Getter/Setter]' });
    }
    const wide: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++)
      Object.defineProperty(wide, `key${i}`, { get: trip('get'), enumerable: true });
    expect(JSON.parse(run(wide, 1000).json)).toMatchObject({ key0: '[Getter]', key1: '[Getter]' });
    expect(calls).toEqual([]);
  });

  it('does not invoke the own accessors of class instances, nor list their prototype getters', () => {
    const { calls, trip } = tripwire();
    class Account {
      id = 7;
      constructor() {
        Object.defineProperty(this, 'balance', { get: trip('balance'), enumerable: true });
      }
      get summary() {
        return trip('summary')();
      }
    }
    expect(parse({ account: new Account() })).toEqual({ account: { id: 7, balance: '[Getter]' } });
    expect(calls).toEqual([]);
  });

  it('honours toJSON data properties but never invokes a getter named toJSON', () => {
    const { calls, trip } = tripwire();
    const ownGetter = Object.defineProperty({ x: 1 }, 'toJSON', {
      get: trip('own toJSON'),
      enumerable: true,
    });
    class Inherited {
      y = 2;
      get toJSON() {
        return trip('inherited toJSON', () => 'called')();
      }
    }
    class WithMethod {
      toJSON(key: string) {
        return { from: 'toJSON', key };
      }
    }
    expect(parse(ownGetter)).toEqual({ x: 1, toJSON: '[Getter]' });
    const proxyToJSON = { z: 3, toJSON: new Proxy(() => 'called', { apply: trip('apply trap') }) };
    expect(parse(proxyToJSON)).toEqual({ z: 3, toJSON: '[Proxy]' });
    expect(parse(new Inherited())).toEqual({ y: 2 });
    expect(parse({ k: new WithMethod() })).toEqual({ k: { from: 'toJSON', key: 'k' } });
    expect(calls).toEqual([]);
  });

  it('reads errors by descriptor: accessors on a user error class are markers, native fields are data', () => {
    const { calls, trip } = tripwire();
    class LazyError extends Error {
      override get name() {
        return trip('name', 'LazyError')();
      }
      override get message() {
        return trip('message', 'computed')();
      }
    }
    const error = new LazyError();
    Object.defineProperty(error, 'cause', { get: trip('cause'), enumerable: false });
    const json = parse(error) as Record<string, unknown>;
    // V8 formats a stack on first read, and its first line would invoke those getters: not read either.
    expect(json).toEqual({
      name: '[Getter]',
      message: '[Getter]',
      cause: '[Getter]',
      stack: '[Not read: formatting it would call a getter]',
    });
    expect(calls).toEqual([]);
    // Native errors keep their data properties: message and stack are own, name comes from the prototype.
    expect(parse(new RangeError('out of range'))).toMatchObject({
      name: 'RangeError',
      message: 'out of range',
    });
  });

  it('writes every Proxy as [Proxy] and runs none of its traps, wherever it appears', () => {
    const calls: string[] = [];
    const handler = recordingHandler(calls);
    const proxy = new Proxy({ secret: 'inside' }, handler);
    const fn = new Proxy(() => 1, handler);
    const behind = Object.create(new Proxy({ inherited: 1 }, handler)) as Record<string, unknown>;
    Object.defineProperty(behind, 'own', { value: 'mine', enumerable: true });
    const value = {
      proxy,
      list: [proxy, new Proxy([1, 2], handler)],
      map: new Map<unknown, unknown>([['p', proxy]]),
      fn,
      behind,
      viaToJSON: { toJSON: () => proxy },
      error: new Error('e', { cause: proxy }),
    };
    for (const json of bothWriters(value)) {
      expect(json).toMatchObject({
        proxy: '[Proxy]',
        list: ['[Proxy]', '[Proxy]'],
        map: { p: '[Proxy]' },
        fn: '[Proxy]',
        behind: { own: 'mine' },
        viaToJSON: '[Proxy]',
        error: { cause: '[Proxy]' },
      });
    }
    expect(calls).toEqual([]);
  });

  it('never invokes accessor elements, and reads holes without looking into an unusual prototype', () => {
    const { calls, trip } = tripwire();
    const array: unknown[] = [1, 2, 3];
    Object.defineProperty(array, 1, { get: trip('element'), enumerable: true });
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point.
    const holey = [1, , 3];
    Object.setPrototypeOf(holey, new Proxy([], recordingHandler(calls)));
    for (const json of bothWriters({ array, holey })) {
      expect(json).toEqual({ array: [1, '[Getter]', 3], holey: [1, null, 3] });
    }
    expect(calls).toEqual([]);
  });

  it('names types, functions and regular expressions without invoking user getters', () => {
    const { calls, trip } = tripwire();
    class Tagged {
      n = 1;
      get [Symbol.toStringTag]() {
        return trip('toStringTag', 'Map')();
      }
    }
    const Named = Object.defineProperty(function Named() {}, 'name', { get: trip('name', 'Named') });
    class Flags extends RegExp {
      override get flags() {
        return trip('flags', 'x')();
      }
      override get source() {
        return trip('source', 'y')();
      }
    }
    const value = { tagged: new Tagged(), named: Named, regExp: new Flags('a+b', 'gi') };
    for (const json of bothWriters(value)) {
      expect(json).toEqual({ tagged: { n: 1 }, named: '[Function anonymous]', regExp: '/a+b/gi' });
    }
    expect(calls).toEqual([]);
  });

  it('still redacts secret keys and text written through markers', () => {
    const { calls, trip } = tripwire();
    const value = Object.defineProperty({}, 'api_key', { get: trip('api_key'), enumerable: true });
    expect(JSON.parse(serialize(value, { maxLength: 200, redactor }).json)).toEqual({
      api_key: '[REDACTED]',
    });
    expect(calls).toEqual([]);
  });
});
