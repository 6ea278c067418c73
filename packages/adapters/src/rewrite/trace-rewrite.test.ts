import { ATTR, GlassboxConfigError, SpanType, trace } from '@glassbox/core';
import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { measureRewrite, type RewriteFlag, traceRewrite } from './index.js';

const { exporter, span, spans } = setupGlassbox();
afterEach(() => exporter.reset());

// The SQL generator after the rewrite step understands queries made of these words as they are.
const SCHEMA_WORDS = new Set([
  'orders',
  'customers',
  'revenue',
  'last',
  'this',
  'week',
  'month',
  'by',
  'region',
]);
const needsRewrite = (query: string) =>
  query
    .toLowerCase()
    .split(/\s+/)
    .some((word) => !SCHEMA_WORDS.has(word));
const STUFFED =
  'Show me all orders placed during the last week (Monday to Sunday), including the order id, customer name, ' +
  'total amount in USD, order status and shipping address, sorted by order date descending';

const flagEvents = (s: ReadableSpan) => s.events.filter((e) => e.name === ATTR.REWRITE_FLAG_EVENT);

describe('traceRewrite: the story', () => {
  it('flags a rewrite that stuffed a query needing no rewrite, and not a good one', async () => {
    const flags: RewriteFlag[] = [];
    const rewrite = traceRewrite(
      async (query: string) => (query === 'orders last week' ? STUFFED : 'orders last week'),
      { needsRewrite, onFlag: (flag) => flags.push(flag) },
    );
    const answer = trace(async (question: string) => rewrite(question), {
      name: 'answer',
      type: SpanType.CHAIN,
    });

    expect(await answer('orders last week')).toBe(STUFFED);
    expect(await answer('ordrs last wek')).toBe('orders last week');

    const [bad, good] = (await spans()).filter((s) => s.name === 'query_rewrite');
    const parents = (await spans()).filter((s) => s.name === 'answer');
    expect(parentId(bad!)).toBe(parents[0]!.spanContext().spanId);
    expect(parentId(good!)).toBe(parents[1]!.spanContext().spanId);

    expect(bad!.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'QUERY_REWRITE',
      [ATTR.REWRITE_ORIGINAL]: 'orders last week',
      [ATTR.REWRITE_REWRITTEN]: STUFFED,
      [ATTR.REWRITE_CHANGED]: true,
      [ATTR.REWRITE_FLAGGED]: true,
      'glassbox.rewrite.flag.reasons': ['length_ratio', 'unneeded_rewrite'],
    });
    expect(bad!.attributes[ATTR.REWRITE_LENGTH_RATIO]).toBeGreaterThan(10);
    // The stuffed query still contains the original: similarity stays moderate, the growth is what flags it.
    expect(bad!.attributes[ATTR.REWRITE_SIMILARITY]).toBeGreaterThan(0.3);
    expect(flagEvents(bad!).map((e) => e.attributes)).toEqual([
      {
        'glassbox.rewrite.flag.reason': 'length_ratio',
        'glassbox.rewrite.flag.value': bad!.attributes[ATTR.REWRITE_LENGTH_RATIO],
        'glassbox.rewrite.flag.threshold': 2,
      },
      { 'glassbox.rewrite.flag.reason': 'unneeded_rewrite' },
    ]);

    expect(good!.attributes).toMatchObject({ [ATTR.REWRITE_CHANGED]: true, [ATTR.REWRITE_FLAGGED]: false });
    expect(good!.attributes[ATTR.REWRITE_SIMILARITY]).toBeGreaterThan(0.5);
    expect(good!.attributes['glassbox.rewrite.flag.reasons']).toBeUndefined();
    expect(flagEvents(good!)).toEqual([]);

    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({
      reasons: ['length_ratio', 'unneeded_rewrite'],
      original: 'orders last week',
      rewritten: STUFFED,
      traceId: bad!.spanContext().traceId,
      spanId: bad!.spanContext().spanId,
    });
  });
});

describe('traceRewrite: shapes and semantics', () => {
  it('keeps a sync function sync and records inputs, outputs and the measures', async () => {
    const rewrite = traceRewrite(function fixTypos(query: string) {
      return query.replace('wek', 'week');
    });
    expect(rewrite('orders last wek')).toBe('orders last week');
    expect(rewrite.name).toBe('fixTypos');
    expect(rewrite.length).toBe(1);
    const s = await span('query_rewrite');
    expect(s.ended).toBe(true);
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
    expect(jsonAttr(s, ATTR.INPUTS)).toBe('orders last wek');
    expect(jsonAttr(s, ATTR.OUTPUTS)).toBe('orders last week');
    expect(s.attributes[ATTR.REWRITE_LENGTH_RATIO]).toBe(1.067);
  });

  it('reads `{ query }` objects and returns the very same result object', async () => {
    const out = { query: 'revenue by region', filters: { year: 2024 } };
    const rewrite = traceRewrite(async (_input: { query: string; history: string[] }) => out, {
      name: 'contextualize',
    });
    expect(await rewrite({ query: 'orders last week', history: [] })).toBe(out);
    const s = await span('contextualize');
    expect(s.attributes).toMatchObject({
      [ATTR.REWRITE_ORIGINAL]: 'orders last week',
      [ATTR.REWRITE_REWRITTEN]: 'revenue by region',
      [ATTR.REWRITE_FLAGGED]: true,
      'glassbox.rewrite.flag.reasons': ['low_similarity'],
    });
  });

  it('records an unchanged query as unchanged, similarity 1, not flagged, without asking needsRewrite', async () => {
    const check = vi.fn(() => false);
    const rewrite = traceRewrite((q: string) => `${q}\n`, { needsRewrite: check });
    rewrite('orders last week');
    expect((await span('query_rewrite')).attributes).toMatchObject({
      [ATTR.REWRITE_CHANGED]: false,
      [ATTR.REWRITE_SIMILARITY]: 1,
      [ATTR.REWRITE_LENGTH_RATIO]: 1,
      [ATTR.REWRITE_FLAGGED]: false,
    });
    expect(check).not.toHaveBeenCalled();
  });

  it('returns the very promise the rewrite returns (a subclass keeps its own methods)', async () => {
    class RewritePromise<T> extends Promise<T> {
      withUsage(): string {
        return 'usage';
      }
    }
    const returned = new RewritePromise<string>((resolve) => resolve('orders last week'));
    const result = traceRewrite((_q: string) => returned)('orders last wek');
    expect(result).toBe(returned);
    expect(result.withUsage()).toBe('usage');
    expect(await result).toBe('orders last week');
    expect((await span('query_rewrite')).attributes[ATTR.REWRITE_CHANGED]).toBe(true);
  });

  it('rethrows the same error with an ERROR span, and survives throwing callbacks', async () => {
    const boom = new RangeError('llm down');
    await expect(traceRewrite(async (_q: string) => Promise.reject(boom))('x')).rejects.toBe(boom);
    const failed = await span('query_rewrite');
    expect(failed.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed.attributes[ATTR.ERROR_TYPE]).toBe('RangeError');
    expect(failed.attributes[ATTR.REWRITE_FLAGGED]).toBeUndefined();
    exporter.reset();

    const rewrite = traceRewrite((_q: string) => STUFFED, {
      needsRewrite: () => {
        throw new Error('classifier broke');
      },
      onFlag: () => {
        throw new Error('alerting broke');
      },
    });
    expect(rewrite('orders last week')).toBe(STUFFED);
    const s = await span('query_rewrite');
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
    expect(s.attributes['glassbox.rewrite.flag.reasons']).toEqual(['length_ratio']);
  });

  it('keeps the queries out but the measures and flags in when capture is off for the step', async () => {
    const rewrite = traceRewrite((_q: string) => STUFFED, { captureContent: false, needsRewrite });
    rewrite('orders last week');
    const s = await span('query_rewrite');
    for (const key of [ATTR.REWRITE_ORIGINAL, ATTR.REWRITE_REWRITTEN, ATTR.INPUTS, ATTR.OUTPUTS]) {
      expect(s.attributes[key]).toBeUndefined();
    }
    expect(s.attributes).toMatchObject({ [ATTR.REWRITE_CHANGED]: true, [ATTR.REWRITE_FLAGGED]: true });
    expect(typeof s.attributes[ATTR.REWRITE_SIMILARITY]).toBe('number');
    expect(flagEvents(s)).toHaveLength(2);
  });

  it('refuses bad options, naming them', () => {
    const fn = (q: string) => q;
    expect(() => traceRewrite(fn, { maxLengthRatio: 0 })).toThrow(/traceRewrite\.maxLengthRatio/);
    expect(() => traceRewrite(fn, { minSimilarity: 1.5 })).toThrow(GlassboxConfigError);
    expect(() => traceRewrite(fn, { onFlag: 'yes' as any })).toThrow(/traceRewrite\.onFlag/);
    expect(() => traceRewrite(fn, { maxLenghtRatio: 3 } as any)).toThrow(/unknown option/);
    // @ts-expect-error a rewrite returns a query (string or `{ query }`), not a number
    expect(traceRewrite((q: string) => q.length)('abc')).toBe(3);
  });
});

describe('measureRewrite', () => {
  it('measures similarity as trigram cosine: robust to typos and word order, low for unrelated text', () => {
    expect(measureRewrite('orders last week', 'orders last week').similarity).toBe(1);
    expect(measureRewrite('ordrs frm last wek', 'orders from last week').similarity).toBeGreaterThan(0.6);
    expect(measureRewrite('last week orders', 'orders last week').similarity).toBeGreaterThan(0.7);
    expect(measureRewrite('orders last week', 'revenue by region').similarity).toBeLessThan(0.1);
  });

  it('flags growth past maxLengthRatio and handles empty queries', () => {
    expect(
      measureRewrite('top customers', 'top customers by total spend in 2024', { maxLengthRatio: 2 }).flags,
    ).toEqual([{ reason: 'length_ratio', value: 2.769, threshold: 2 }]);
    expect(measureRewrite('', '')).toMatchObject({ changed: false, similarity: 1, lengthRatio: 1 });
    expect(measureRewrite('', 'orders')).toMatchObject({ changed: true, similarity: 0, lengthRatio: 6 });
  });

  it('stays cheap on very long queries (only the first 8,192 characters are compared)', () => {
    const long = 'orders '.repeat(20_000);
    const started = performance.now();
    expect(measureRewrite(long, `${long} extra`).similarity).toBe(1);
    expect(performance.now() - started).toBeLessThan(250);
  });
});
