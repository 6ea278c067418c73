import { afterEach, describe, expect, it } from 'vitest';
import { span, trace, traceId } from './__fixtures__/spans.js';
import type { SpanRecord } from './span-record.js';
import { StoreInputError } from './store-errors.js';
import type { TraceQuery } from './trace-query.js';
import { TraceStore } from './trace-store.js';

const stores: TraceStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});
function open(): TraceStore {
  const store = TraceStore.open({ path: ':memory:' });
  stores.push(store);
  return store;
}

const T0 = 1_700_000_000_000;

/** Traces with one distinguishing property each, at known start times. */
function fixture(store: TraceStore): Record<string, string> {
  const ids: Record<string, string> = {};
  const add = (key: string, spans: (id: string) => SpanRecord[]) => {
    const id = traceId();
    ids[key] = id;
    store.insertSpans(spans(id));
  };
  add('plain', (id) => trace({ traceId: id, startMs: T0 + 1, root: { statusCode: 1 } }));
  add('api', (id) =>
    trace({
      traceId: id,
      startMs: T0 + 2,
      root: { serviceName: 'api', resource: { 'service.name': 'api' } },
    }),
  );
  add('error', (id) =>
    trace({
      traceId: id,
      startMs: T0 + 3,
      root: { statusCode: 1 },
      children: [{ statusCode: 2, name: 'boom' }],
    }),
  );
  add('slow', (id) => trace({ traceId: id, startMs: T0 + 4, root: { durationMs: 5000 } }));
  add('session', (id) =>
    trace({
      traceId: id,
      startMs: T0 + 5,
      children: [{ attributes: { 'session.id': 's-1', 'user.id': 'u-1' } }],
    }),
  );
  add('tagged', (id) =>
    trace({ traceId: id, startMs: T0 + 6, root: { attributes: { 'glassbox.trace.tags': ['beta', 'eu'] } } }),
  );
  add('flagged', (id) =>
    trace({
      traceId: id,
      startMs: T0 + 7,
      children: [
        {
          name: 'query_rewrite',
          attributes: {
            'glassbox.span.type': 'QUERY_REWRITE',
            'glassbox.rewrite.flagged': true,
            'glassbox.rewrite.original': 'tent warranty',
            'glassbox.rewrite.rewritten': 'returns policy',
          },
        },
      ],
    }),
  );
  add('text', (id) =>
    trace({
      traceId: id,
      startMs: T0 + 8,
      root: {
        attributes: { 'glassbox.inputs': JSON.stringify({ q: 'Where is order A-1042? (urgent) "asap"' }) },
      },
      children: [
        {
          name: 'chat',
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.output.messages': JSON.stringify([
              { role: 'assistant', parts: [{ type: 'text', content: 'Café crème: AND OR NOT near(x)' }] },
            ]),
          },
        },
      ],
    }),
  );
  add('feedback', (id) => trace({ traceId: id, startMs: T0 + 9 }));
  store.addFeedback({ traceId: ids.feedback!, name: 'thumbs', value: false });
  return ids;
}

describe('TraceStore.listTraces', () => {
  it('lists newest first with the total', () => {
    const store = open();
    const ids = fixture(store);
    const page = store.listTraces();
    expect(page.total).toBe(9);
    expect(page.nextCursor).toBeNull();
    expect(page.traces.map((t) => t.traceId)).toEqual(
      ['feedback', 'text', 'flagged', 'tagged', 'session', 'slow', 'error', 'api', 'plain'].map(
        (k) => ids[k],
      ),
    );
  });

  const cases: [string, TraceQuery, string[]][] = [
    ['service', { service: 'api' }, ['api']],
    ['span name anywhere in the trace', { name: 'boom' }, ['error']],
    ['status error', { status: 'error' }, ['error']],
    ['status ok (root ok, no error)', { status: 'ok' }, ['plain']],
    ['span type', { spanType: 'QUERY_REWRITE' }, ['flagged']],
    ['min duration', { minDurationMs: 1000 }, ['slow']],
    ['max duration', { maxDurationMs: 99 }, []],
    [
      'duration range',
      { minDurationMs: 100, maxDurationMs: 100 },
      ['feedback', 'text', 'flagged', 'tagged', 'session', 'error', 'api', 'plain'],
    ],
    ['session', { sessionId: 's-1' }, ['session']],
    ['user', { userId: 'u-1' }, ['session']],
    ['tag', { tag: 'eu' }, ['tagged']],
    ['flagged', { flagged: true }, ['flagged']],
    ['has feedback', { hasFeedback: true }, ['feedback']],
    ['free text in inputs', { text: 'a-1042' }, ['text']],
    ['free text in LLM output messages, accents folded', { text: 'cafe' }, ['text']],
    ['free text in rewrites', { text: 'warranty' }, ['flagged']],
    ['free text: prefixes, all words required', { text: 'ret pol' }, ['flagged']],
    ['free text: every word must match', { text: 'warranty A-1042' }, []],
    ['combined filters', { status: 'error', name: 'boom', service: 'svc', maxDurationMs: 200 }, ['error']],
    ['unknown values match nothing', { service: 'nope' }, []],
  ];
  it.each(cases)('filters by %s', (_label, query, expected) => {
    const store = open();
    const ids = fixture(store);
    const page = store.listTraces(query);
    expect(page.traces.map((t) => t.traceId)).toEqual(expected.map((k) => ids[k]));
    expect(page.total).toBe(expected.length);
  });

  it('filters by false flags', () => {
    const store = open();
    fixture(store);
    expect(store.listTraces({ flagged: false }).total).toBe(8);
    expect(store.listTraces({ hasFeedback: false }).total).toBe(8);
  });

  it('never surfaces FTS5 syntax: quotes, operators, stars and brackets are text', () => {
    const store = open();
    const ids = fixture(store);
    for (const text of [
      '"asap"',
      '"',
      '(urgent)',
      'near(x)',
      'AND',
      'OR NOT',
      'crème:',
      '*',
      'a*b',
      '-',
      '^café',
      "o'clock",
      '\\',
    ]) {
      const page = store.listTraces({ text });
      expect(page.traces.every((t) => t.traceId === ids.text) || page.total === 9, text).toBe(true);
    }
    expect(store.listTraces({ text: '"asap"' }).total).toBe(1);
    expect(store.listTraces({ text: 'near(x)' }).total).toBe(1);
    // Punctuation only has no word to search for: no text filter.
    expect(store.listTraces({ text: '"*"' }).total).toBe(9);
    expect(store.listTraces({ text: '   ' }).total).toBe(9);
  });

  it('pages by keyset cursor with no duplicates or gaps while new traces arrive', () => {
    const store = open();
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) {
      const id = traceId();
      ids.push(id);
      // Pairs of traces share a start time: the cursor must break ties.
      store.insertSpans(trace({ traceId: id, startMs: T0 + Math.floor(i / 2) }));
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = store.listTraces({ limit: 25, ...(cursor ? { cursor } : {}) });
      seen.push(...page.traces.map((t) => t.traceId));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
      // Newer traces arriving between pages do not shift the pages already started.
      store.insertSpans(trace({ startMs: T0 + 10_000 + pages }));
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect(new Set(seen)).toEqual(new Set(ids));
    const starts = seen.map((id) => store.getTrace(id)!.summary.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('pages through filtered results, whichever way the query is planned', () => {
    const store = open();
    // 300 traces of which every third has the span name: dense enough to walk the start index.
    for (let i = 0; i < 300; i++)
      store.insertSpans(trace({ startMs: T0 + i, children: [{ name: i % 3 === 0 ? 'wanted' : 'other' }] }));
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = store.listTraces({ name: 'wanted', limit: 7, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(100);
      seen.push(...page.traces.map((t) => t.startMs - T0));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => 297 - i * 3));
  });

  it('pages through a common search word (planned as a walk of the start index) without gaps', () => {
    const store = open();
    for (let i = 0; i < 300; i++)
      store.insertSpans(
        trace({
          startMs: T0 + i,
          root: {
            attributes: { 'glassbox.inputs': JSON.stringify(i % 3 === 0 ? `tent number ${i}` : 'stove') },
          },
        }),
      );
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = store.listTraces({ text: 'TENT', limit: 5, ...(cursor ? { cursor } : {}) });
      expect(page.total).toBe(100);
      seen.push(...page.traces.map((t) => t.startMs - T0));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => 297 - i * 3));
    expect(store.listTraces({ text: 'tent', status: 'unset', minDurationMs: 0 }).total).toBe(100);
    expect(store.listTraces({ text: 'tent number 33' }).traces.map((t) => t.startMs - T0)).toEqual([33]);
  });

  it('refuses bad queries with a StoreInputError naming the field', () => {
    const store = open();
    const bad: [TraceQuery, RegExp][] = [
      [{ status: 'broken' as never }, /^status: /],
      [{ limit: 0 }, /^limit: /],
      [{ limit: 2.5 }, /^limit: /],
      [{ minDurationMs: -1 }, /^minDurationMs: /],
      [{ flagged: 'yes' as never }, /^flagged: /],
      [{ service: 3 as never }, /^service: /],
      [{ cursor: 'not-a-cursor' }, /^cursor: /],
      [{ colour: 'red' } as never, /^colour: unknown filter/],
    ];
    for (const [query, message] of bad) {
      expect(() => store.listTraces(query)).toThrow(StoreInputError);
      expect(() => store.listTraces(query)).toThrow(message);
    }
    expect(store.listTraces({ limit: 10_000 }).traces).toEqual([]);
  });

  it('caps the page at 500 traces', () => {
    const store = open();
    store.insertSpans(Array.from({ length: 600 }, (_, i) => span({ startMs: T0 + i })));
    const page = store.listTraces({ limit: 10_000 });
    expect(page.traces).toHaveLength(500);
    expect(page.total).toBe(600);
    expect(store.listTraces({ cursor: page.nextCursor! }).traces).toHaveLength(50);
  });
});
