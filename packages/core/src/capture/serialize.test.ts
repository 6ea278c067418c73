import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, type Redactor } from './redact.js';
import {
  DEFAULT_MAX_LENGTH,
  MAX_DEPTH,
  MIN_MAX_LENGTH,
  type SerializeOptions,
  type SerializeResult,
  serialize,
} from './serialize.js';

const redactor = createRedactor()!;
const options: SerializeOptions = { maxLength: DEFAULT_MAX_LENGTH, redactor };

/** Serializes and checks the invariants every result must hold: valid JSON within the limit. */
function run(
  value: unknown,
  maxLength = DEFAULT_MAX_LENGTH,
  r: Redactor | undefined = redactor,
): SerializeResult {
  const result = serialize(value, { maxLength, redactor: r });
  expect(result.json.length).toBeLessThanOrEqual(Math.max(maxLength, MIN_MAX_LENGTH));
  expect(() => JSON.parse(result.json)).not.toThrow();
  // The last-resort fallback hides defects: no ordinary value may need it.
  expect(result.json).not.toBe('"[Unserializable]"');
  return result;
}
const parse = (value: unknown, maxLength?: number): unknown => JSON.parse(run(value, maxLength).json);
const elapsedMs = (fn: () => void): number => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};
/** A code unit of a surrogate pair with no partner: what a bad cut would leave behind. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

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

  it('cuts long stacks and survives errors whose fields throw', () => {
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
    expect(parse(hostile)).toMatchObject({ message: '[Throws: message getter]' });
    expect(parse(Object.create(Error.prototype) as object)).toMatchObject({ name: 'Error' });
  });
});

describe('serialize: hostile values', () => {
  it('writes a throwing getter as [Throws: message] and keeps going', () => {
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
      broken: '[Throws: getter failed]',
      nonError: '[Throws: plain string]',
      after: 2,
    });
  });

  it('survives proxies whose every trap throws, revoked proxies and throwing array items', () => {
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
    expect(parse([hostile, revoked, items])).toEqual([
      '[Throws: trap]',
      expect.stringMatching(/^\[Throws: .*revoked/),
      [1, '[Throws: trap]'],
    ]);
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

describe('serialize: bounds and truncation markers', () => {
  it('raises limits below MIN_MAX_LENGTH and defaults a missing one', () => {
    const long = 'a'.repeat(100_000);
    expect(serialize(long, { maxLength: 1 }).json.length).toBeLessThanOrEqual(MIN_MAX_LENGTH);
    expect(serialize(long, { maxLength: -5 }).json.length).toBeLessThanOrEqual(MIN_MAX_LENGTH);
    const defaulted = serialize(long, { maxLength: Number.NaN }).json.length;
    expect(defaulted).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    expect(defaulted).toBeGreaterThan(DEFAULT_MAX_LENGTH - 10);
  });

  it('cuts a long string to a prefix plus the count of dropped characters', () => {
    const result = run('x'.repeat(5_000_000), 100);
    expect(result).toEqual({ json: `"${'x'.repeat(81)}…[+4999919 chars]"`, truncated: true });
  });

  it('never cuts a value whose JSON fits exactly', () => {
    const value = { list: ['a'.repeat(40), { b: 'c'.repeat(30) }], n: 12345 };
    const json = JSON.stringify(value);
    expect(run(value, json.length)).toEqual({ json, truncated: false });
    expect(run(value, json.length - 1).truncated).toBe(true);
  });

  it('never cuts a fitting value, even where a cut marker is longer than what it replaces', () => {
    // `["[+3 more items]"]` is longer than `[null,null,null]`: a wrong bound would give up on the exact form.
    // (Shrunk by fast-check: the lengths of these keys put the cut exactly where it matters.)
    const value = { '"[]"': [null, null, null], '\u0000\ud800': new Date('-000001-12-31T23:59:59.999Z') };
    const json = JSON.stringify(value);
    for (let slack = 0; slack < 40; slack++)
      expect(run(value, json.length + slack)).toEqual({ json, truncated: false });
  });

  it('cuts arrays with a final "[+N more items]" and objects with a "…" key', () => {
    const array = JSON.parse(run(new Array(1_000_000).fill(7), 200).json) as unknown[];
    const marker = /^\[\+(\d+) more items\]$/.exec(array.at(-1) as string);
    expect(Number(marker![1]) + array.length - 1).toBe(1_000_000);
    const object = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
    const cut = JSON.parse(run(object, 200).json) as Record<string, unknown>;
    const count = /^\[\+(\d+) more keys\]$/.exec(cut['…'] as string);
    expect(Number(count![1]) + Object.keys(cut).length - 1).toBe(1000);
  });

  it('fills the budget with escape-heavy text and keeps surrogate pairs whole at every cut', () => {
    const controls = run('\u0001'.repeat(500), 100);
    expect(controls.json.length).toBeGreaterThan(90);
    const emoji = 'a😀'.repeat(200);
    for (let max = 64; max < 140; max++) {
      const text = JSON.parse(run(emoji, max).json) as string;
      expect(text).not.toMatch(LONE_SURROGATE);
      expect(text.replace(/…\[\+\d+ chars\]$/, '')).toBe(emoji.slice(0, text.indexOf('…')));
    }
    // Long keys and thrown messages are cut before escaping, where a split pair would go unnoticed.
    const odd = `a${'😀'.repeat(300)}`;
    const thrower = {
      get x() {
        throw new Error(odd);
      },
    };
    for (const value of [{ [odd]: 1 }, thrower, new Map([[odd, 1]])]) {
      expect(run(value).json).not.toMatch(/\\ud[89ab]/i);
    }
  });

  it('writes lone surrogates as escapes, so the output stays well-formed', () => {
    const result = run({ s: 'a\ud800b\udc00c' });
    expect(result.json).toBe('{"s":"a\\ud800b\\udc00c"}');
    expect(result.json).not.toMatch(LONE_SURROGATE);
  });

  it('stays within every limit, one character at a time, for values made of short tokens', () => {
    const tokens = [
      Array.from({ length: 60 }, (_, i) => [123456, true, null, -0.5, 'ab', {}, []][i % 7]),
      { a: [1, 2, [3, 4, [5]]], b: false, c: null, d: { e: 12345678, f: [true, false] } },
      new Map<unknown, unknown>([
        [1, [2, 3]],
        ['k', { n: 99999 }],
      ]),
      // Summaries longer than the marker reserve: the only raw tokens that can overrun a limit.
      [new SharedArrayBuffer(1_000_000), new BigUint64Array(100_000), new Date(0), new Error('e')],
      { a: new Date(0), b: new SharedArrayBuffer(10) },
      10n ** 300n,
    ];
    for (const value of tokens) {
      for (let max = 40; max <= 400; max++) run(value, max);
    }
  });

  it('stays within any limit for mixed content', () => {
    const value = {
      text: 'lorem ipsum '.repeat(500),
      items: Array.from({ length: 200 }, (_, i) => ({
        id: i,
        tags: ['a', 'b'],
        nested: { deep: [i, `${i}`] },
      })),
      map: new Map([['k', 'v'.repeat(300)]]),
      error: new Error('e'.repeat(300)),
    };
    for (let max = 64; max <= 3000; max += 37) expect(run(value, max).truncated).toBe(true);
  });
});

describe('serialize: bounded cost', () => {
  it('summarises a 10 MB Buffer and cuts a 5 MB string in well under 50 ms', () => {
    const buffer = Buffer.alloc(10 * 1024 * 1024);
    const text = 'lorem ipsum dolor sit amet '.repeat(200_000);
    serialize(text, options); // warm up
    expect(elapsedMs(() => expect(parse(buffer)).toBe('[Buffer 10485760 bytes]'))).toBeLessThan(50);
    expect(elapsedMs(() => expect(run(text).json.length).toBe(DEFAULT_MAX_LENGTH))).toBeLessThan(50);
  });

  it('reads only as many items of a 1e6-item array as fit', () => {
    let reads = 0;
    const array = new Proxy(new Array(1_000_000).fill(1), {
      get(target, key) {
        reads++;
        return Reflect.get(target, key);
      },
    });
    const result = run(array);
    expect(result.truncated).toBe(true);
    // Items are "1," (two characters): about one read per two characters of budget, per pass.
    expect(reads).toBeLessThan(2 * (DEFAULT_MAX_LENGTH / 2) + 10);
  });

  it('lists the keys of a huge object once, even when the exact pass runs too', () => {
    let listings = 0;
    const target = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]));
    const value = new Proxy(target, {
      ownKeys(t) {
        listings++;
        return Reflect.ownKeys(t);
      },
    });
    expect(run(value, 1000).truncated).toBe(true);
    expect(listings).toBe(1);
  });

  it('invokes only the getters of keys that fit', () => {
    let calls = 0;
    const value: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) {
      Object.defineProperty(value, `key${i}`, {
        enumerable: true,
        get() {
          calls++;
          return i;
        },
      });
    }
    run(value, 1000);
    expect(calls).toBeLessThan(200);
  });
});

describe('serialize: redaction while writing', () => {
  const secret = 'sk-proj-KMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZ';
  const bearer = 'Bearer KMQVWXYZKMQVWXYZKMQVWXYZ';

  it('replaces values under secret keys whatever their type, without reading them', () => {
    let read = false;
    const value = {
      api_key: 'x',
      password: { nested: true },
      Authorization: ['a'],
      token: 42,
      get secret() {
        read = true;
        return 'never';
      },
      max_tokens: 256,
      usage: { input_tokens: 10, output_tokens: 20 },
    };
    expect(parse(value)).toEqual({
      api_key: REDACTED,
      password: REDACTED,
      Authorization: REDACTED,
      token: REDACTED,
      secret: REDACTED,
      max_tokens: 256,
      usage: { input_tokens: 10, output_tokens: 20 },
    });
    expect(read).toBe(false);
  });

  it('removes secret values everywhere a string is written', () => {
    const error = Object.assign(new Error(`auth failed for ${secret}`), { header: bearer });
    const value = {
      top: secret,
      nested: { deeper: [`key is ${secret}.`] },
      [secret]: 'as a key',
      map: new Map<unknown, unknown>([
        [secret, 'map key'],
        ['v', bearer],
        [{ id: 1 }, secret],
      ]),
      set: new Set([secret]),
      error,
      thrower: {
        get x() {
          throw new Error(`cannot read ${secret}`);
        },
      },
      fn: Object.defineProperty(() => 1, 'name', { value: secret }),
      symbol: Symbol(secret),
    };
    const json = run(value).json;
    expect(json).not.toContain('KMQVWXYZ');
    expect(json).toContain('Bearer [REDACTED]');
    expect(json).toContain('key is [REDACTED].');
  });

  it('never leaks part of a secret cut by truncation', () => {
    const secrets = [
      'sk-ant-api03-KMQVWXYZKMQVWXYZKMQVWXYZ',
      'Bearer KMQVWXYZKMQVWXYZ',
      'ghp_KMQVWXYZKMQVWXYZKMQVWXYZKMQVWXYZKMQV',
      'AKIAKMQVWXYZKMQVWXYZ',
      'eyJKMQVWXYZKMQV.eyJKMQVWXYZKMQV.KMQVWXYZ',
    ];
    for (const secret of secrets) {
      for (const padding of [0, 7, 30, 60]) {
        const text = `${'p'.repeat(padding)} ${secret} ${'tail '.repeat(50)}`;
        for (let max = 64; max < 140; max++) {
          for (const value of [text, [text], { k: text }, new Map([[text, 1]]), new Error(text)]) {
            expect(run(value, max).json).not.toMatch(/KMQV|MQVW|VWXY/);
          }
        }
      }
    }
  });

  it('captures nothing for a secret a cut would otherwise split (no partial "sk-")', () => {
    const text = `${'a '.repeat(20)}sk-KMQVWXYZKMQVWXYZKMQVWXYZ and more text ${'z'.repeat(200)}`;
    for (let max = 64; max < 120; max++) {
      const out = JSON.parse(run(text, max).json) as string;
      expect(out).not.toMatch(/sk-[A-Z]|sk-?…/);
    }
  });

  it('captures values as they are without a redactor', () => {
    expect(JSON.parse(serialize({ api_key: secret }, { maxLength: 200 }).json)).toEqual({ api_key: secret });
  });
});

describe('serialize: replace hook', () => {
  it('is called with paths, its result is captured, and a throw captures REDACTED', () => {
    const paths: string[] = [];
    const custom = createRedactor({
      replace(path, value) {
        paths.push(path);
        if (path === '$.user.email') return '<email>';
        if (path === '$.messages[1].content') throw new Error('hook bug');
        if (path === '$["x-note"]') return undefined;
        return value;
      },
    })!;
    const value = {
      user: { email: 'a@b.c', password: 'p' },
      messages: [{ content: 'hi' }, { content: 'secret plan' }],
      'x-note': 'dropped',
      text: `x ${'sk-KMQVWXYZKMQVWXYZKMQVWXYZ'}`,
    };
    expect(JSON.parse(serialize(value, { maxLength: 1000, redactor: custom }).json)).toEqual({
      user: { email: '<email>', password: REDACTED },
      messages: [{ content: 'hi' }, { content: REDACTED }],
      text: `x ${REDACTED}`, // patterns still apply to what the hook returns
    });
    expect(paths).toEqual([
      '$',
      '$.user',
      '$.user.email',
      '$.messages',
      '$.messages[0]',
      '$.messages[0].content',
      '$.messages[1]',
      '$.messages[1].content',
      '$["x-note"]',
      '$.text',
    ]); // `password` is redacted by key before the hook could see it
  });
});
