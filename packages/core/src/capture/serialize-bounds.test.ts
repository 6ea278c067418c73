import { describe, expect, it, vi } from 'vitest';
import { elapsedMs, LONE_SURROGATE, parse, redactor, run } from './__fixtures__/serialize-run.js';
import type { Redactor } from './redact.js';
import {
  DEFAULT_MAX_LENGTH,
  MIN_MAX_LENGTH,
  type SerializeOptions,
  type SerializeResult,
  serialize,
  serializeNamedCapture,
} from './serialize.js';

const options: SerializeOptions = { maxLength: DEFAULT_MAX_LENGTH, redactor };

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
    const array = new Array(1_000_000).fill('ab');
    const { redactor: counting, calls } = countingRedactor();
    const result = run(array, DEFAULT_MAX_LENGTH, counting);
    expect(result.truncated).toBe(true);
    // Items are `"ab",` (five characters): about one string written per five characters of budget.
    expect(calls.texts).toBeLessThan(2 * (DEFAULT_MAX_LENGTH / 5) + 10);
  });

  it('lists the keys of a huge object once per capture, though the fast writer and both passes need them', () => {
    const huge = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]));
    const keys = vi.spyOn(Object, 'keys');
    try {
      const listings = () => keys.mock.calls.filter(([target]) => target === huge).length;
      expect(run(huge, 1000).truncated).toBe(true);
      expect(listings()).toBe(1);
      expect(run({ nested: { huge } }, 1000).truncated).toBe(true);
      expect(listings()).toBe(2);
      // Captured inputs: the fast writer lists the argument, the Serializer reuses its list.
      const named = serializeNamedCapture(['input'], [huge], 1, 1000, redactor);
      expect(typeof named === 'string' ? false : named.truncated).toBe(true);
      expect(listings()).toBe(3);
    } finally {
      keys.mockRestore();
    }
  });

  it('visits keys of a 200,000-key object in proportion to the budget, not to the object', () => {
    const huge: Record<string, number> = {};
    for (let i = 0; i < 200_000; i++) huge[`key${i}`] = i;
    const { redactor: counting, calls } = countingRedactor();
    const result = run(huge, 2000, counting);
    expect(result.truncated).toBe(true);
    const cut = JSON.parse(result.json) as Record<string, unknown>;
    expect(cut['…']).toBe(`[+${200_000 - Object.keys(cut).length + 1} more keys]`);
    // Each written key costs at least `"keyN":N,` (9+ characters); both passes together stay below this.
    expect(calls.keys).toBeLessThan(2 * (2000 / 9) + 10);
  });

  it('measures a million-digit BigInt instead of converting it, and never cuts one that fits', () => {
    const bits = 3_321_929n;
    const digits = Math.floor(Number(bits) * Math.log10(2)) + 1;
    for (const value of [1n << bits, -(1n << bits)]) {
      let result: SerializeResult | undefined;
      // The decimal conversion alone took ~240 ms; measuring it takes ~1 ms.
      expect(elapsedMs(() => (result = run(value)))).toBeLessThan(100);
      expect(result!.truncated).toBe(true);
      const marker = /^\[(negative )?BigInt ~(\d+) digits\]$/.exec(JSON.parse(result!.json) as string);
      expect(marker).not.toBeNull();
      expect(marker![1] !== undefined).toBe(value < 0n);
      expect(Math.abs(Number(marker![2]) - digits)).toBeLessThanOrEqual(1);
    }
    for (let power = 50n; power < 75n; power++) {
      for (const value of [10n ** power, 10n ** power - 1n, -(10n ** power)]) {
        const json = `"${value}n"`;
        const result = run(value, MIN_MAX_LENGTH);
        if (json.length <= MIN_MAX_LENGTH) expect(result).toEqual({ json, truncated: false });
        else expect(result.truncated).toBe(true);
      }
    }
    expect(run({ big: 1n << 300_000n }, 200).json).toMatch(/^\{"big":"\[BigInt ~90309 digits\]"\}$/);
  });
});

/** A redactor that redacts nothing and counts its calls: work done, observed without a Proxy. */
function countingRedactor(): { redactor: Redactor; calls: { keys: number; texts: number } } {
  const calls = { keys: 0, texts: 0 };
  const counting: Redactor = {
    isSecretKey: () => {
      calls.keys++;
      return false;
    },
    redactText: (text) => {
      calls.texts++;
      return text;
    },
    replace: undefined,
  };
  return { redactor: counting, calls };
}
