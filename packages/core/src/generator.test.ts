import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTR, trace } from './index.js';

const { exporter, spans, span } = setupGlassbox();
afterEach(() => exporter.reset());

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('generators keep their span open until the iteration ends', () => {
  it('sync generator: consumed fully, items aggregated, same object returned', async () => {
    const numbers = trace(function* numbers(n: number) {
      for (let i = 0; i < n; i++) yield i;
      return 'done';
    });
    const gen = numbers(3);
    expect(Object.prototype.toString.call(gen)).toBe('[object Generator]');
    expect(exporter.spans()).toHaveLength(0);
    expect([...gen]).toEqual([0, 1, 2]);
    const s = await span('numbers');
    expect(s.ended).toBe(true);
    expect(jsonAttr(s, ATTR.OUTPUTS)).toEqual([0, 1, 2]);
    expect(s.attributes[ATTR.ITEM_COUNT]).toBe(3);
    expect(s.attributes[ATTR.STREAM_END]).toBe('completed');
    expect(typeof s.attributes[ATTR.TIME_TO_FIRST_ITEM_MS]).toBe('number');
  });

  it('async generator of text: joined output, time to first item, ends after the last item', async () => {
    const tokens = trace(async function* tokens() {
      await new Promise((r) => setTimeout(r, 20));
      yield 'Hel';
      yield 'lo';
    });
    const gen = tokens();
    expect(Object.prototype.toString.call(gen)).toBe('[object AsyncGenerator]');
    const out: string[] = [];
    for await (const t of gen) {
      out.push(t);
      expect(exporter.spans()).toHaveLength(0);
    }
    expect(out).toEqual(['Hel', 'lo']);
    const s = await span('tokens');
    expect(jsonAttr(s, ATTR.OUTPUTS)).toBe('Hello');
    expect(s.attributes[ATTR.TIME_TO_FIRST_ITEM_MS] as number).toBeGreaterThanOrEqual(15);
  });

  it('early break ends the span as returned, status OK-ish (unset)', async () => {
    let cleanedUp = false;
    const endless = trace(async function* endless() {
      try {
        let i = 0;
        while (true) yield i++;
      } finally {
        cleanedUp = true;
      }
    });
    for await (const i of endless()) if (i === 2) break;
    expect(cleanedUp).toBe(true);
    const s = await span('endless');
    expect(s.ended).toBe(true);
    expect(s.attributes[ATTR.STREAM_END]).toBe('returned');
    expect(s.attributes[ATTR.ITEM_COUNT]).toBe(3);
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('an error thrown mid-iteration ends the span with ERROR and reaches the caller unchanged', async () => {
    const boom = new Error('stream broke');
    const flaky = trace(function* flaky() {
      yield 1;
      throw boom;
    });
    const gen = flaky();
    expect(gen.next()).toEqual({ value: 1, done: false });
    expect(() => gen.next()).toThrow(boom);
    const s = await span('flaky');
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(s.attributes[ATTR.STREAM_END]).toBe('error');
  });

  it('async generator rejection: same error, ERROR status', async () => {
    const boom = new TypeError('bad chunk');
    const flakyAsync = trace(async function* flakyAsync() {
      yield 'a';
      throw boom;
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const x of flakyAsync()) seen.push(x);
      })(),
    ).rejects.toBe(boom);
    expect(seen).toEqual(['a']);
    const s = await span('flakyAsync');
    expect(s.attributes[ATTR.ERROR_TYPE]).toBe('TypeError');
  });

  it('traced calls made inside the generator body are children of the generator span', async () => {
    const lookup = trace(async function lookup(i: number) {
      return i * 10;
    });
    const gen = trace(async function* producer() {
      for (let i = 0; i < 2; i++) yield await lookup(i);
    });
    const consumer = trace(async function consumer() {
      const out: number[] = [];
      for await (const v of gen()) out.push(v);
      return out;
    });
    expect(await consumer()).toEqual([0, 10]);
    const all = await spans();
    const producer = all.find((s) => s.name === 'producer')!;
    const consumerSpan = all.find((s) => s.name === 'consumer')!;
    expect(parentId(producer)).toBe(consumerSpan.spanContext().spanId);
    for (const l of all.filter((s) => s.name === 'lookup'))
      expect(parentId(l)).toBe(producer.spanContext().spanId);
  });

  it('a function returning a generator (not itself a generator function) is traced the same way', async () => {
    function* inner() {
      yield 'x';
    }
    const factory = trace(function factory() {
      return inner();
    });
    expect([...factory()]).toEqual(['x']);
    expect((await span('factory')).attributes[ATTR.STREAM_END]).toBe('completed');
  });

  it('an async function resolving to an async generator keeps the span until iteration ends', async () => {
    const open = trace(async function openStream() {
      return (async function* () {
        yield 1;
        yield 2;
      })();
    });
    const stream = await open();
    expect(exporter.spans()).toHaveLength(0);
    const got: number[] = [];
    for await (const v of stream) got.push(v);
    expect(got).toEqual([1, 2]);
    expect((await span('openStream')).attributes[ATTR.ITEM_COUNT]).toBe(2);
  });

  it('a generator that is never iterated and dropped ends as abandoned when collected', async () => {
    const lazy = trace(function* lazy() {
      yield 1;
    });
    (() => {
      lazy();
    })();
    for (let i = 0; i < 20 && exporter.spans().length === 0; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
      await spans();
    }
    const s = await span('lazy');
    expect(s.attributes[ATTR.STREAM_END]).toBe('abandoned');
    expect(s.attributes[ATTR.ITEM_COUNT]).toBe(0);
  });

  it('bounds the kept items for long streams but counts all of them', async () => {
    const many = trace(function* many() {
      for (let i = 0; i < 50_000; i++) yield { i };
    });
    let n = 0;
    for (const _ of many()) n++;
    expect(n).toBe(50_000);
    const s = await span('many');
    expect(s.attributes[ATTR.ITEM_COUNT]).toBe(50_000);
    expect((s.attributes[ATTR.OUTPUTS] as string).length).toBeLessThanOrEqual(16384 + 64);
  });
});
