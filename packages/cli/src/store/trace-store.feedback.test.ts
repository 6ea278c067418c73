import { ATTR, currentSpan, logFeedback, trace as traced } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { fromReadable, trace, traceId } from './__fixtures__/spans.js';
import type { FeedbackInput } from './feedback-input.js';
import { StoreInputError } from './store-errors.js';
import { TraceStore } from './trace-store.js';

const { exporter, spans } = setupGlassbox();
const stores: TraceStore[] = [];
afterEach(() => {
  exporter.reset();
  for (const s of stores.splice(0)) s.close();
});
function open(): TraceStore {
  const store = TraceStore.open({ path: ':memory:' });
  stores.push(store);
  return store;
}

describe('TraceStore.addFeedback', () => {
  it('stores a judgement with an id and a time, counted on its trace', () => {
    const store = open();
    const t = trace({ children: [{}] });
    store.insertSpans(t);
    const record = store.addFeedback({
      traceId: t[0]!.traceId,
      spanId: t[1]!.spanId,
      name: 'thumbs',
      value: true,
      rationale: 'great answer',
      expectations: { expected_answer: 'yes' },
      source: { type: 'human', id: 'ana@example.com' },
    });
    expect(record.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(record.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(record.source).toEqual({ type: 'human', id: 'ana@example.com' });
    const detail = store.getTrace(t[0]!.traceId)!;
    expect(detail.summary.feedbackCount).toBe(1);
    expect(detail.feedback).toEqual([record]);
    expect([...store.feedbackRecords()]).toEqual([record]);
    expect(store.info().feedbackCount).toBe(1);
  });

  it('defaults the source to human and keeps a given createdAt (normalised)', () => {
    const store = open();
    const r = store.addFeedback({
      traceId: traceId(),
      name: 'score',
      value: 3,
      createdAt: '2025-01-02T03:04:05+01:00',
    });
    expect(r.source).toEqual({ type: 'human' });
    expect(r.createdAt).toBe('2025-01-02T02:04:05.000Z');
  });

  it('counts feedback given before its trace arrives', () => {
    const store = open();
    const t = trace();
    store.addFeedback({ traceId: t[0]!.traceId, name: 'thumbs', value: false });
    store.insertSpans(t);
    expect(store.getTrace(t[0]!.traceId)!.summary.feedbackCount).toBe(1);
    expect(store.listTraces({ hasFeedback: true }).total).toBe(1);
  });

  const good: FeedbackInput = { traceId: 'a'.repeat(32), name: 'n', value: 1 };
  const bad: [string, unknown, RegExp][] = [
    ['not an object', null, /^feedback: /],
    ['trace id', { ...good, traceId: 'xyz' }, /^traceId: expected 32/],
    ['upper-case trace id', { ...good, traceId: 'A'.repeat(32) }, /^traceId: /],
    ['span id', { ...good, spanId: '123' }, /^spanId: expected 16/],
    ['empty name', { ...good, name: ' ' }, /^name: expected a non-empty string/],
    ['long name', { ...good, name: 'x'.repeat(201) }, /^name: expected at most 200/],
    ['missing value', { traceId: good.traceId, name: 'n' }, /^value: /],
    ['null value', { ...good, value: null }, /^value: /],
    ['array value', { ...good, value: [1] }, /^value: /],
    ['NaN value', { ...good, value: Number.NaN }, /^value: expected a finite number/],
    ['long string value', { ...good, value: 'x'.repeat(10_001) }, /^value: expected at most 10000/],
    ['rationale type', { ...good, rationale: 5 }, /^rationale: expected a string/],
    ['long rationale', { ...good, rationale: 'x'.repeat(10_001) }, /^rationale: /],
    ['expectations type', { ...good, expectations: 'yes' }, /^expectations: expected an object/],
    ['source type', { ...good, source: { type: 'robot' } }, /^source\.type: /],
    ['source shape', { ...good, source: 'human' }, /^source: /],
    ['source extra', { ...good, source: { type: 'human', who: 'me' } }, /^source\.who: /],
    ['createdAt', { ...good, createdAt: 'yesterday' }, /^createdAt: /],
    ['unknown field', { ...good, score: 1 }, /^score: unknown field/],
  ];
  it.each(bad)('refuses a bad %s with a StoreInputError naming the field', (_label, input, message) => {
    const store = open();
    expect(() => store.addFeedback(input as FeedbackInput)).toThrow(StoreInputError);
    expect(() => store.addFeedback(input as FeedbackInput)).toThrow(message);
    expect(store.info().feedbackCount).toBe(0);
  });

  it('accepts each kind of value', () => {
    const store = open();
    for (const value of [true, 0.5, 'good', { accuracy: 1, notes: ['a'] }])
      expect(store.addFeedback({ ...good, value }).value).toEqual(value);
  });
});

describe('TraceStore and logFeedback spans', () => {
  it('stores feedback spans made by logFeedback as feedback of their target trace, once', async () => {
    const answer = traced(function answer() {
      return { traceId: currentSpan()!.traceId, spanId: currentSpan()!.spanId };
    });
    const target = answer();
    logFeedback({
      ...target,
      name: 'helpful',
      value: false,
      rationale: 'wrong policy',
      source: { type: 'human', id: 'ana' },
      expectations: { expected_answer: 'The tent has a 2 year warranty.' },
    });
    const other = answer();
    logFeedback({
      traceId: other.traceId,
      name: 'accuracy',
      value: { score: 0.2, label: 'low' },
      source: 'llm_judge',
    });
    const records = (await spans()).map(fromReadable);
    expect(records).toHaveLength(4);
    const store = open();
    // Feedback spans first, then the traces they judge, then the same batch again.
    const feedbackFirst = [...records].sort((a) => (a.attributes[ATTR.FEEDBACK_NAME] ? -1 : 1));
    const result = store.insertSpans(feedbackFirst);
    expect(result.inserted).toBe(4);
    expect(new Set(result.traceIds)).toEqual(new Set([target.traceId, other.traceId, records[3]!.traceId]));
    expect(store.insertSpans(records).inserted).toBe(0);

    const judged = store.getTrace(target.traceId)!;
    expect(judged.summary.feedbackCount).toBe(1);
    // With a span id the feedback span is inside the judged trace, an ordinary span there too.
    expect(judged.spans.map((s) => s.name)).toEqual(['answer', 'feedback helpful']);
    expect(judged.summary.spanTypes).toContain('EVALUATOR');
    expect(judged.feedback).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        traceId: target.traceId,
        spanId: target.spanId,
        name: 'helpful',
        value: false,
        rationale: 'wrong policy',
        expectations: { expected_answer: 'The tent has a 2 year warranty.' },
        source: { type: 'human', id: 'ana' },
        createdAt: expect.any(String),
      },
    ]);
    const second = store.getTrace(other.traceId)!;
    expect(second.summary.feedbackCount).toBe(1);
    expect(second.feedback[0]).toMatchObject({
      name: 'accuracy',
      value: { score: 0.2, label: 'low' },
      source: { type: 'llm_judge' },
    });
    expect(second.feedback[0]!.spanId).toBeUndefined();
    // Without a span id the feedback span is a trace of its own, which has no feedback itself.
    const own = store.getTrace(records.find((r) => r.name === 'feedback accuracy')!.traceId)!;
    expect(own.summary).toMatchObject({ rootName: 'feedback accuracy', feedbackCount: 0 });
    expect(store.info().feedbackCount).toBe(2);
    expect(store.listFeedback({ source: 'llm_judge' }).feedback.map((f) => f.name)).toEqual(['accuracy']);
  });

  it('takes the record id a feedback span names (glassbox.feedback.id), so a viewer’s export comes back as one record', () => {
    const store = open();
    const [target] = trace();
    store.insertSpans([target!]);
    const given = store.addFeedback({ traceId: target!.traceId, name: 'thumbs', value: true });
    const [feedbackSpan] = trace({
      traceId: target!.traceId,
      root: {
        name: 'feedback thumbs',
        parentSpanId: target!.spanId,
        attributes: {
          [ATTR.FEEDBACK_ID]: given.id,
          [ATTR.FEEDBACK_NAME]: 'thumbs',
          [ATTR.FEEDBACK_VALUE]: true,
          [ATTR.FEEDBACK_TARGET_TRACE_ID]: target!.traceId,
        },
      },
    });
    expect(store.insertSpans([feedbackSpan!]).inserted).toBe(1);
    expect([...store.feedbackRecords()].map((r) => r.id)).toEqual([given.id]);
    expect(store.getTrace(target!.traceId)!.summary.feedbackCount).toBe(1);
  });
});

describe('TraceStore.listFeedback', () => {
  it('filters and pages newest first', () => {
    const store = open();
    const t = traceId();
    const s = 'b'.repeat(16);
    for (let i = 0; i < 7; i++)
      store.addFeedback({
        traceId: i < 5 ? t : traceId(),
        ...(i % 2 === 0 ? { spanId: s } : {}),
        name: i < 6 ? 'thumbs' : 'comment',
        value: i,
        source: { type: i === 3 ? 'code' : 'human' },
      });
    expect(store.listFeedback({ traceId: t }).feedback.map((f) => f.value)).toEqual([4, 3, 2, 1, 0]);
    expect(store.listFeedback({ traceId: t, spanId: s }).feedback.map((f) => f.value)).toEqual([4, 2, 0]);
    expect(store.listFeedback({ source: 'code' }).feedback.map((f) => f.value)).toEqual([3]);
    expect(store.listFeedback({ name: 'comment' }).feedback.map((f) => f.value)).toEqual([6]);
    const first = store.listFeedback({ limit: 3 });
    expect(first.feedback.map((f) => f.value)).toEqual([6, 5, 4]);
    const second = store.listFeedback({ limit: 3, cursor: first.nextCursor! });
    const third = store.listFeedback({ limit: 3, cursor: second.nextCursor! });
    expect([...second.feedback, ...third.feedback].map((f) => f.value)).toEqual([3, 2, 1, 0]);
    expect(third.nextCursor).toBeNull();
    expect(() => store.listFeedback({ limit: 0 })).toThrow(/^limit: /);
    expect(() => store.listFeedback({ cursor: '!!' })).toThrow(/^cursor: /);
  });
});

describe('TraceStore.dataset', () => {
  it('gives one example per trace: root inputs and outputs, merged expectations, feedback, metadata', () => {
    const store = open();
    const t = trace({
      root: {
        name: 'support_turn',
        attributes: {
          'glassbox.inputs': JSON.stringify({ question: 'tent warranty?' }),
          'glassbox.outputs': JSON.stringify({ answer: 'returns policy' }),
          'session.id': 'chat-9',
        },
      },
    });
    const foreign = trace({
      startMs: 1_600_000_000_000,
      root: { attributes: { 'input.value': 'plain text in' } },
    });
    store.insertSpans([...t, ...foreign]);
    const id = t[0]!.traceId;
    store.addFeedback({
      traceId: id,
      name: 'expected',
      value: false,
      expectations: { expected_answer: 'old', tone: 'kind' },
      createdAt: '2025-01-01T00:00:00Z',
    });
    store.addFeedback({
      traceId: id,
      name: 'expected',
      value: false,
      expectations: { expected_answer: 'new' },
      createdAt: '2025-01-02T00:00:00Z',
    });
    const examples = [...store.dataset()];
    expect(examples.map((e) => e.id)).toEqual([id, foreign[0]!.traceId]);
    expect(examples[0]).toMatchObject({
      id,
      traceId: id,
      inputs: { question: 'tent warranty?' },
      outputs: { answer: 'returns policy' },
      expectations: { expected_answer: 'new', tone: 'kind' },
      metadata: { rootName: 'support_turn', serviceName: 'svc', sessionId: 'chat-9', spanCount: 1 },
    });
    expect(examples[0]!.feedback).toHaveLength(2);
    expect(examples[1]).toMatchObject({ inputs: 'plain text in' });
    expect(examples[1]!.outputs).toBeUndefined();
    expect(examples[1]!.expectations).toBeUndefined();
    expect([...store.dataset({ hasFeedback: true, limit: 1 })].map((e) => e.id)).toEqual([id]);
    expect([...store.dataset({ sessionId: 'nobody' })]).toEqual([]);
  });

  it('reads past the first page', () => {
    const store = open();
    for (let i = 0; i < 1100; i++) store.insertSpans(trace({ startMs: 1_700_000_000_000 + i }));
    const ids = [...store.dataset()].map((e) => e.id);
    expect(ids).toHaveLength(1100);
    expect(new Set(ids).size).toBe(1100);
  });
});
