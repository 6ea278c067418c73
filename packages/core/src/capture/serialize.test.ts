import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { elapsedMs, parse, run } from './__fixtures__/serialize-run.js';
import { REDACTED, type Redactor } from './redact.js';
import {
  DEFAULT_MAX_LENGTH,
  MAX_DEPTH,
  type SerializeOptions,
  type SerializeResult,
  serialize,
} from './serialize.js';

describe('serialize: primitives', () => {
  it('writes JSON primitives like JSON.stringify', () => {
    for (const value of ['hi', 'quote " back \\ nl \n', 0, 1.5, -3, 1e21, true, false, null]) {
      expect(run(value)).toEqual({ json: JSON.stringify(value), truncated: false });
    }
  });

  it('writes -0 as 0 and NaN/±Infinity as null, like JSON', () => {
    expect(run(-0).json).toBe('0');
    expect(run([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]).json).toBe(
      '[null,null,null]',
    );
  });

  it('writes top-level undefined as null, omits undefined properties and nulls undefined items', () => {
    expect(run(undefined)).toEqual({ json: 'null', truncated: false });
    expect(run({ a: undefined, b: 1 }).json).toBe('{"b":1}');
    expect(run([undefined, 1]).json).toBe('[null,1]');
  });

  it('writes BigInt as a string with an n suffix', () => {
    expect(run(123n).json).toBe('"123n"');
    expect(run({ big: -(2n ** 70n) }).json).toBe('{"big":"-1180591620717411303424n"}');
  });

  it('names symbols and functions instead of dropping them', () => {
    expect(parse(Symbol('tag'))).toBe('[Symbol(tag)]');
    expect(parse({ fn: function search() {}, arrow: () => 1, cls: class Foo {} })).toEqual({
      fn: '[Function search]',
      arrow: '[Function arrow]',
      cls: '[Function Foo]',
    });
    expect(parse([() => 1])).toEqual(['[Function anonymous]']);
    const throwingName = Object.defineProperty(() => 1, 'name', {
      get() {
        throw new Error('no name');
      },
    });
    expect(parse(throwingName)).toBe('[Function anonymous]');
  });
});

describe('serialize: objects and references', () => {
  it('writes plain, null-prototype and class objects by their own enumerable string keys', () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      get length() {
        return Math.hypot(this.x, this.y);
      }
    }
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    const hidden = Object.defineProperty({ shown: 1, [Symbol('s')]: 2 }, 'hidden', {
      value: 3,
      enumerable: false,
    });
    expect(parse(new Point(3, 4))).toEqual({ x: 3, y: 4 });
    expect(parse(bare)).toEqual({ a: 1 });
    expect(parse(hidden)).toEqual({ shown: 1 });
  });

  it('marks cycles and writes shared references again', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic];
    const shared = { x: 1 };
    expect(parse(cyclic)).toEqual({ name: 'a', self: '[Circular]', list: ['[Circular]'] });
    expect(parse({ a: shared, b: [shared, shared] })).toEqual({ a: { x: 1 }, b: [{ x: 1 }, { x: 1 }] });
    expect(run({ a: shared, b: shared }).truncated).toBe(false);
  });

  it('writes holes of sparse arrays as null', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point.
    expect(run([1, , 3]).json).toBe('[1,null,3]');
    const huge: unknown[] = [];
    huge.length = 4_000_000_000;
    const result = run(huge, 200);
    expect(result.truncated).toBe(true);
    expect((JSON.parse(result.json) as unknown[]).at(-1)).toMatch(/^\[\+\d+ more items\]$/);
  });

  it('calls toJSON once with the key, and survives a throwing or self-returning toJSON', () => {
    const keys: string[] = [];
    const withToJSON = {
      toJSON(key: string) {
        keys.push(key);
        return { seen: key };
      },
    };
    expect(parse({ a: withToJSON, list: [withToJSON] })).toEqual({ a: { seen: 'a' }, list: [{ seen: '0' }] });
    expect(keys).toEqual(['a', '0']);
    expect(parse(new URL('https://example.com/a?b=1'))).toBe('https://example.com/a?b=1');
    const throwing = {
      toJSON() {
        throw new Error('no JSON for you');
      },
    };
    expect(parse({ v: throwing })).toEqual({ v: '[Throws: no JSON for you]' });
    const self = {
      x: 1,
      toJSON() {
        return this;
      },
    };
    expect(parse(self)).toEqual({ x: 1, toJSON: '[Function toJSON]' });
  });

  it('unboxes boxed primitives', () => {
    expect(
      parse([new String('s'), new Number(2), new Boolean(false), Object(3n), Object(Symbol('b'))]),
    ).toEqual(['s', 2, false, '3n', '[Symbol(b)]']);
  });
});

describe('serialize: built-in types', () => {
  it('writes valid dates as ISO strings and invalid ones without throwing', () => {
    expect(parse(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(parse({ d: new Date(Number.NaN) })).toEqual({ d: '[Invalid Date]' });
  });

  it('writes Maps with string keys as objects (key rules apply) and others as [key, value] pairs', () => {
    expect(
      parse(
        new Map<string, unknown>([
          ['a', 1],
          ['apiKey', 'x'],
        ]),
      ),
    ).toEqual({ a: 1, apiKey: REDACTED });
    expect(
      parse(
        new Map<unknown, unknown>([
          [{ id: 1 }, 'obj'],
          [2, 'two'],
          ['password', 'p'],
        ]),
      ),
    ).toEqual([
      [{ id: 1 }, 'obj'],
      [2, 'two'],
      ['password', REDACTED],
    ]);
    expect(parse(new Set([1, 'a', { b: 2 }]))).toEqual([1, 'a', { b: 2 }]);
    const map = new Map<string, unknown>();
    map.set('me', map);
    expect(parse(map)).toEqual({ me: '[Circular]' });
  });

  it('summarises binary data instead of dumping it', () => {
    expect(
      parse([
        new Uint8Array(12),
        new Float64Array(3),
        Buffer.from('hello'),
        new ArrayBuffer(16),
        new SharedArrayBuffer(8),
        new DataView(new ArrayBuffer(4)),
      ]),
    ).toEqual([
      '[Uint8Array 12 items]',
      '[Float64Array 3 items]',
      '[Buffer 5 bytes]',
      '[ArrayBuffer 16 bytes]',
      '[SharedArrayBuffer 8 bytes]',
      '[DataView 4 bytes]',
    ]);
  });

  it('names values whose content is not reachable synchronously', () => {
    function* generator() {}
    const settled = Promise.resolve(1);
    expect(parse([settled, new WeakMap(), new WeakSet(), new WeakRef({}), generator()])).toEqual([
      '[Promise]',
      '[WeakMap]',
      '[WeakSet]',
      '[WeakRef]',
      '[Generator]',
    ]);
    expect(parse(/ab+c/gi)).toBe('/ab+c/gi');
  });

  it('trusts internal slots, not Symbol.toStringTag', () => {
    const fakeMap = { [Symbol.toStringTag]: 'Map', a: 1 };
    expect(parse(fakeMap)).toEqual({ a: 1 });
  });
});

describe('serialize: errors', () => {
  it('writes name, message, own props, cause and stack', () => {
    const error = Object.assign(new TypeError('bad input', { cause: new RangeError('too big') }), {
      code: 'E_INPUT',
      status: 400,
    });
    const json = parse(error) as Record<string, unknown>;
    expect(json).toMatchObject({
      name: 'TypeError',
      message: 'bad input',
      code: 'E_INPUT',
      status: 400,
      cause: { name: 'RangeError', message: 'too big' },
    });
    expect(json.stack).toMatch(/^TypeError: bad input\n {4}at /);
    expect(Object.keys(json).at(-1)).toBe('stack'); // cut first when space runs out
  });

  it('writes the errors of an AggregateError and a cyclic cause', () => {
    const error = new AggregateError([new Error('one'), 'two'], 'both failed');
    expect(parse(error)).toMatchObject({ name: 'AggregateError', errors: [{ message: 'one' }, 'two'] });
    const cyclic = new Error('loop');
    cyclic.cause = cyclic;
    expect(parse(cyclic)).toMatchObject({ message: 'loop', cause: '[Circular]' });
  });

  it('cuts long stacks and never invokes a getter on an error field', () => {
    const error = new Error('deep');
    error.stack = `Error: deep\n${'    at frame (file.js:1:1)\n'.repeat(2000)}`;
    const result = run(error);
    expect(result.truncated).toBe(true);
    expect((JSON.parse(result.json) as { stack: string }).stack.length).toBeLessThan(4200);
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('message getter');
      },
    });
    expect(parse(hostile)).toMatchObject({ message: '[Getter]' });
    expect(parse(Object.create(Error.prototype) as object)).toMatchObject({ name: 'Error' });
  });
});

describe('serialize: hostile values', () => {
  it('writes getters as markers and keeps going, even getters that would throw', () => {
    const value = {
      before: 1,
      get broken() {
        throw new Error('getter failed');
      },
      get nonError() {
        throw 'plain string';
      },
      after: 2,
    };
    expect(parse(value)).toEqual({
      before: 1,
      broken: '[Getter]',
      nonError: '[Getter]',
      after: 2,
    });
  });

  it('writes proxies (hostile, revoked, or of an array) as [Proxy] without invoking a trap', () => {
    const fail = () => {
      throw new Error('trap');
    };
    const hostile = new Proxy(
      {},
      {
        get: fail,
        has: fail,
        ownKeys: fail,
        getPrototypeOf: fail,
        getOwnPropertyDescriptor: fail,
        defineProperty: fail,
        isExtensible: fail,
        preventExtensions: fail,
        set: fail,
        deleteProperty: fail,
        setPrototypeOf: fail,
      },
    );
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const items = new Proxy([1, 2], {
      get: (target, key) => (key === '1' ? fail() : Reflect.get(target, key)),
    });
    expect(parse([hostile, revoked, items])).toEqual(['[Proxy]', '[Proxy]', '[Proxy]']);
  });

  it('stops at the depth limit on 10,000-deep nesting without overflowing the stack', () => {
    let deepArray: unknown = 'bottom';
    let deepObject: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) {
      deepArray = [deepArray];
      deepObject = { next: deepObject };
    }
    const arrays = run(deepArray);
    expect(arrays.truncated).toBe(true);
    expect(arrays.json).toBe(`${'['.repeat(MAX_DEPTH)}"[Depth limit]"${']'.repeat(MAX_DEPTH)}`);
    expect(run(deepObject).json).toContain('{"next":"[Depth limit]"}');
    let shallow: unknown = 'bottom';
    for (let i = 0; i < MAX_DEPTH; i++) shallow = [shallow];
    expect(run(shallow)).toEqual({ json: JSON.stringify(shallow), truncated: false });
  });

  it('keeps globalThis, process, emitters and streams bounded and fast', () => {
    for (const value of [globalThis, process, new EventEmitter(), new PassThrough()]) {
      let result: SerializeResult | undefined;
      expect(elapsedMs(() => (result = run(value)))).toBeLessThan(200);
      expect(result!.json.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    }
  });

  it('never throws, even for unusable options or a broken custom redactor', () => {
    const broken: Redactor = {
      isSecretKey: () => {
        throw new Error('broken');
      },
      redactText: () => {
        throw new Error('broken');
      },
      replace: undefined,
    };
    // A redactor that fails hides everything, keys included, rather than leaking it.
    expect(JSON.parse(serialize({ a: 'text' }, { maxLength: 100, redactor: broken }).json)).toEqual({
      [REDACTED]: REDACTED,
    });
    expect(serialize('x', undefined as unknown as SerializeOptions).json).toBe('"x"');
    expect(serialize('x', { maxLength: Number.NaN }).json).toBe('"x"');
  });
});
