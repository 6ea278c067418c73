import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, trace } from './__fixtures__/spans.js';
import { TraceStore } from './trace-store.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function open(options: { path?: string; maxTraces?: number; maxBytes?: number } = {}): TraceStore {
  const store = TraceStore.open({ path: ':memory:', ...options });
  cleanups.push(() => store.close());
  return store;
}
function dbPath(): string {
  const d = tempDir();
  cleanups.push(d.remove);
  return join(d.dir, 'traces.db');
}

const T0 = 1_700_000_000_000;
/** A trace whose every facet and search row can be checked after it is deleted. */
function rich(i: number) {
  return trace({
    startMs: T0 + i * 1000,
    root: {
      name: `turn ${i}`,
      attributes: {
        'glassbox.inputs': JSON.stringify({
          question: `question number${i} ${'lorem ipsum dolor '.repeat(20)}`,
        }),
        'glassbox.trace.tags': [`tag${i}`],
      },
    },
    children: [{ name: `step ${i}`, attributes: { 'gen_ai.operation.name': 'chat' } }],
  });
}

describe('TraceStore retention', () => {
  it('keeps at most maxTraces, deleting the oldest by start with their spans, feedback, facets and search rows', () => {
    const store = open({ maxTraces: 5 });
    const traces = Array.from({ length: 8 }, (_, i) => rich(i));
    // Inserted out of start order: the oldest by start go, not the first inserted. Every trace has
    // feedback (given before its spans arrive), so judged traces go too when nothing else is left.
    for (const i of [3, 0, 7, 1, 6, 2, 5, 4]) {
      store.addFeedback({ traceId: traces[i]![0]!.traceId, name: 'thumbs', value: true });
      store.insertSpans(traces[i]!);
    }
    const kept = store.listTraces().traces.map((t) => t.rootName);
    expect(kept).toEqual(['turn 7', 'turn 6', 'turn 5', 'turn 4', 'turn 3']);
    expect(store.info()).toMatchObject({ traceCount: 5, spanCount: 10 });
    // The feedback of deleted traces went with them.
    expect(store.info().feedbackCount).toBe(5);
    for (const i of [0, 1, 2]) {
      expect(store.getTrace(traces[i]![0]!.traceId)).toBeUndefined();
      expect(store.listTraces({ text: `number${i}` }).total).toBe(0);
      expect(store.listTraces({ name: `step ${i}` }).total).toBe(0);
      expect(store.listTraces({ tag: `tag${i}` }).total).toBe(0);
    }
    expect(store.listTraces({ text: 'number5' }).total).toBe(1);
    const facets = store.facets();
    expect(facets.tags).toEqual(['tag3', 'tag4', 'tag5', 'tag6', 'tag7']);
    expect(facets.spanNames).not.toContain('step 0');
    expect(facets.services).toEqual(['svc']);
    expect([...store.spans()]).toHaveLength(10);
    expect([...store.feedbackRecords()]).toHaveLength(5);
  });

  it('keeps the database under maxBytes, deleting old traces in batches', () => {
    const maxBytes = 1024 * 1024;
    const store = open({ path: dbPath(), maxBytes });
    let i = 0;
    for (; i < 600; i++) store.insertSpans(rich(i));
    const info = store.info();
    expect(info.sizeBytes).toBeLessThanOrEqual(maxBytes);
    // Some, not all, traces were dropped: the newest survive.
    expect(info.traceCount).toBeGreaterThan(50);
    expect(info.traceCount).toBeLessThan(600);
    expect(store.listTraces({ limit: 1 }).traces[0]!.rootName).toBe('turn 599');
    const oldest = [...store.dataset()].at(-1)!.metadata!.rootName as string;
    expect(Number(oldest.split(' ')[1])).toBe(600 - info.traceCount);
    expect(store.listTraces({ text: 'number0' }).total).toBe(0);
    // Still writable, still within bounds.
    for (; i < 700; i++) store.insertSpans(rich(i));
    expect(store.info().sizeBytes).toBeLessThanOrEqual(maxBytes);
  });

  it('trims a store reopened with lower limits when it opens, before any insert', () => {
    const path = dbPath();
    const first = TraceStore.open({ path });
    for (let i = 0; i < 20; i++) first.insertSpans(rich(i));
    first.close();
    const store = open({ path, maxTraces: 4 });
    expect(store.info().traceCount).toBe(4);
    expect(store.listTraces().traces.map((t) => t.rootName)).toEqual([
      'turn 19',
      'turn 18',
      'turn 17',
      'turn 16',
    ]);
    store.insertSpans(rich(20));
    expect(store.listTraces().traces.map((t) => t.rootName)).toEqual([
      'turn 20',
      'turn 19',
      'turn 18',
      'turn 17',
    ]);
  });

  it('trims a store reopened with a lower maxBytes when it opens', () => {
    const path = dbPath();
    const first = TraceStore.open({ path });
    for (let i = 0; i < 400; i++) first.insertSpans(rich(i));
    const before = first.info().sizeBytes;
    first.close();
    const maxBytes = Math.floor(before / 2);
    const store = open({ path, maxBytes });
    expect(store.info().sizeBytes).toBeLessThanOrEqual(maxBytes);
    expect(store.info().traceCount).toBeLessThan(400);
    expect(store.listTraces({ limit: 1 }).traces[0]!.rootName).toBe('turn 399');
  });

  it('deletes traces with feedback only when no trace without feedback is left (count)', () => {
    const store = open({ maxTraces: 3 });
    const traces = Array.from({ length: 6 }, (_, i) => rich(i));
    store.insertSpans(traces[0]!);
    store.addFeedback({ traceId: traces[0]![0]!.traceId, name: 'thumbs', value: false });
    store.insertSpans(traces[1]!);
    // An ingested feedback span counts like feedback given on the page.
    store.insertSpans([
      ...traces[2]!,
      {
        ...traces[2]![1]!,
        spanId: 'feedfeedfeedfeed',
        name: 'feedback thumbs',
        attributes: {
          'glassbox.feedback.name': 'thumbs',
          'glassbox.feedback.value': true,
          'glassbox.feedback.target.trace_id': traces[2]![0]!.traceId,
        },
      },
    ]);
    for (const i of [3, 4, 5]) store.insertSpans(traces[i]!);
    // 0 and 2 are older than 1, 3 and 4 but were judged: the unjudged ones went first.
    expect(store.listTraces().traces.map((t) => t.rootName)).toEqual(['turn 5', 'turn 2', 'turn 0']);
    // Only judged traces left: the limit still holds, the oldest judged one goes.
    store.addFeedback({ traceId: traces[5]![0]!.traceId, name: 'thumbs', value: true });
    const sixth = rich(6);
    store.addFeedback({ traceId: sixth[0]!.traceId, name: 'thumbs', value: true });
    store.insertSpans(sixth);
    expect(store.listTraces().traces.map((t) => t.rootName)).toEqual(['turn 6', 'turn 5', 'turn 2']);
    expect(store.info().traceCount).toBe(3);
  });

  it('keeps a new trace when the store is full of judged ones: judged traces are spared up to half the store', () => {
    const store = open({ maxTraces: 4 });
    const traces = Array.from({ length: 4 }, (_, i) => rich(i));
    for (const t of traces) {
      store.insertSpans(t);
      store.addFeedback({ traceId: t[0]!.traceId, name: 'thumbs', value: true });
    }
    store.insertSpans(rich(4));
    store.insertSpans(rich(5));
    // The new, unjudged traces stay; the oldest judged ones made room.
    expect(store.listTraces().traces.map((t) => t.rootName)).toEqual([
      'turn 5',
      'turn 4',
      'turn 3',
      'turn 2',
    ]);
    // Now judged traces are half the store: the next arrival pushes out the oldest unjudged trace instead.
    store.insertSpans(rich(6));
    expect(store.listTraces().traces.map((t) => t.rootName)).toEqual([
      'turn 6',
      'turn 5',
      'turn 3',
      'turn 2',
    ]);
  });

  it('deletes traces with feedback only when no trace without feedback is left (size)', () => {
    const maxBytes = 1024 * 1024;
    const store = open({ path: dbPath(), maxBytes });
    const judged = rich(0);
    store.insertSpans(judged);
    store.addFeedback({ traceId: judged[0]!.traceId, name: 'thumbs', value: true });
    for (let i = 1; i < 600; i++) store.insertSpans(rich(i));
    const info = store.info();
    expect(info.sizeBytes).toBeLessThanOrEqual(maxBytes);
    expect(info.traceCount).toBeLessThan(600);
    // The oldest trace is still there: it has feedback.
    expect(store.getTrace(judged[0]!.traceId)?.summary.rootName).toBe('turn 0');
    expect(store.listTraces({ hasFeedback: true }).total).toBe(1);
  });
});
