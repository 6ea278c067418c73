import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { span, tempDir, trace, traceId } from './__fixtures__/spans.js';
import type { SpanRecord } from './span-record.js';
import { StoreOpenError } from './store-errors.js';
import { TraceStore } from './trace-store.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function open(path = ':memory:', options: { maxTraces?: number; maxBytes?: number } = {}): TraceStore {
  const store = TraceStore.open({ path, ...options });
  cleanups.push(() => store.close());
  return store;
}
function dir(): string {
  const d = tempDir();
  cleanups.push(d.remove);
  return d.dir;
}

/** A demo-like trace: agent root with inputs/outputs, a rewrite, an LLM call with tokens, a failing tool. */
function demoTrace(id = traceId(), startMs = 1_700_000_000_000): SpanRecord[] {
  return trace({
    traceId: id,
    startMs,
    root: {
      name: 'support_turn',
      statusCode: 1,
      attributes: {
        'glassbox.span.type': 'AGENT',
        'glassbox.inputs': JSON.stringify({ question: 'Where is my order A-1042?' }),
        'glassbox.outputs': JSON.stringify('It shipped yesterday.'),
        'session.id': 'chat-1',
        'user.id': 'user-1',
        'glassbox.trace.tags': ['demo', 'eu'],
      },
    },
    children: [
      {
        name: 'query_rewrite',
        attributes: {
          'glassbox.span.type': 'QUERY_REWRITE',
          'glassbox.rewrite.original': 'where is order',
          'glassbox.rewrite.rewritten': 'order status',
          'glassbox.rewrite.flagged': true,
        },
      },
      {
        name: 'chat gpt-4o-mini',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.usage.input_tokens': 50,
          'gen_ai.usage.output_tokens': 8,
          'gen_ai.usage.cost': 0.25,
        },
      },
      {
        name: 'execute_tool lookup_order',
        statusCode: 2,
        statusMessage: 'timeout',
        durationMs: 400,
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.usage.cost': 0.5 },
      },
    ],
  });
}

describe('TraceStore summaries', () => {
  it('summarises a trace the same whatever order and batches its spans arrive in', () => {
    const id = traceId();
    const spans = demoTrace(id);
    const orders = [spans, [...spans].reverse(), [spans[2]!, spans[0]!, spans[3]!, spans[1]!]];
    const summaries = orders.map((order, i) => {
      const store = open();
      if (i === 2) for (const s of order) store.insertSpans([s]);
      else store.insertSpans(order);
      return store.getTrace(id)?.summary;
    });
    expect(summaries[0]).toEqual({
      traceId: id,
      rootSpanId: spans[0]!.spanId,
      rootName: 'support_turn',
      serviceName: 'svc',
      startMs: 1_700_000_000_000,
      durationMs: 403,
      spanCount: 4,
      errorCount: 1,
      spanTypes: ['AGENT', 'LLM', 'QUERY_REWRITE', 'TOOL'],
      sessionId: 'chat-1',
      userId: 'user-1',
      tags: ['demo', 'eu'],
      flagged: true,
      feedbackCount: 0,
      inputTokens: 50,
      outputTokens: 8,
      costUsd: 0.75,
      inputPreview: 'Where is my order A-1042?',
      outputPreview: 'It shipped yesterday.',
    });
    expect(summaries[1]).toEqual(summaries[0]);
    expect(summaries[2]).toEqual(summaries[0]);
  });

  it('breaks ties between equally ranked spans by span id, so both arrival orders give one summary', () => {
    const id = traceId();
    // Two parentless spans starting at the same time: same rank, different values.
    const a = span({
      traceId: id,
      spanId: 'aaaaaaaaaaaaaaaa',
      name: 'first',
      attributes: {
        'session.id': 'session-a',
        'user.id': 'user-a',
        'glassbox.inputs': JSON.stringify('question a'),
        'glassbox.outputs': JSON.stringify('answer a'),
        'glassbox.trace.cost_usd': 1,
      },
    });
    const b = span({
      traceId: id,
      spanId: 'bbbbbbbbbbbbbbbb',
      name: 'second',
      attributes: {
        'session.id': 'session-b',
        'user.id': 'user-b',
        'glassbox.inputs': JSON.stringify('question b'),
        'glassbox.outputs': JSON.stringify('answer b'),
        'glassbox.trace.cost_usd': 2,
      },
    });
    const summaries = [
      [a, b],
      [b, a],
    ].map((order) => {
      const store = open();
      for (const s of order) store.insertSpans([s]);
      return store.getTrace(id)?.summary;
    });
    expect(summaries[0]).toMatchObject({
      rootSpanId: 'aaaaaaaaaaaaaaaa',
      sessionId: 'session-a',
      userId: 'user-a',
      inputPreview: 'question a',
      outputPreview: 'answer a',
      costUsd: 1,
    });
    expect(summaries[1]).toEqual(summaries[0]);
  });

  it('is idempotent per (traceId, spanId): a re-sent batch counts nothing twice', () => {
    const store = open();
    const spans = demoTrace();
    expect(store.insertSpans(spans)).toEqual({ inserted: 4, traceIds: [spans[0]!.traceId] });
    expect(store.insertSpans(spans)).toEqual({ inserted: 0, traceIds: [] });
    expect(store.insertSpans([...spans, spans[1]!])).toEqual({ inserted: 0, traceIds: [] });
    const summary = store.getTrace(spans[0]!.traceId)!.summary;
    expect(summary.spanCount).toBe(4);
    expect(summary.inputTokens).toBe(50);
    expect(summary.costUsd).toBe(0.75);
    expect(store.info()).toMatchObject({ traceCount: 1, spanCount: 4 });
  });

  it('prefers the root span’s trace totals over the sums of its spans', () => {
    const store = open();
    const spans = demoTrace();
    spans[0]!.attributes['glassbox.trace.cost_usd'] = 2;
    spans[0]!.attributes['glassbox.trace.input_tokens'] = 500;
    spans[0]!.attributes['glassbox.trace.output_tokens'] = 80;
    store.insertSpans(spans.slice(1));
    expect(store.getTrace(spans[0]!.traceId)!.summary).toMatchObject({ costUsd: 0.75, inputTokens: 50 });
    store.insertSpans(spans.slice(0, 1));
    expect(store.getTrace(spans[0]!.traceId)!.summary).toMatchObject({
      costUsd: 2,
      inputTokens: 500,
      outputTokens: 80,
    });
  });

  it('uses the earliest span as the root while the real root has not arrived', () => {
    const store = open();
    const spans = demoTrace();
    store.insertSpans(spans.slice(1));
    const early = store.getTrace(spans[0]!.traceId)!.summary;
    expect(early.rootName).toBe('query_rewrite');
    expect(early.inputPreview).toBeUndefined();
    store.insertSpans(spans.slice(0, 1));
    expect(store.getTrace(spans[0]!.traceId)!.summary.rootName).toBe('support_turn');
  });

  it('gives the trace with its spans by start time, exactly as inserted', () => {
    const store = open();
    const spans = demoTrace();
    spans[1]!.events = [
      { name: 'glassbox.rewrite.flag', timeUnixNano: '1700000000001500000', attributes: { a: 1 } },
    ];
    spans[1]!.links = [{ traceId: traceId(), spanId: 'aaaaaaaaaaaaaaaa', attributes: {} }];
    spans[2]!.attributes.big = '12345678901234567890';
    store.insertSpans([...spans].reverse());
    const detail = store.getTrace(spans[0]!.traceId.toUpperCase())!;
    expect(detail.spans.map((s) => s.name)).toEqual(spans.map((s) => s.name));
    expect(detail.spans).toEqual(spans);
    expect(detail.feedback).toEqual([]);
    expect(store.getTrace(traceId())).toBeUndefined();
  });

  it('lists the facets: services, span names, span types and tags', () => {
    const store = open();
    store.insertSpans(demoTrace());
    store.insertSpans(
      trace({ root: { name: 'GET /health', serviceName: 'api', resource: { 'service.name': 'api' } } }),
    );
    expect(store.facets()).toEqual({
      services: ['api', 'svc'],
      spanNames: [
        'GET /health',
        'chat gpt-4o-mini',
        'execute_tool lookup_order',
        'query_rewrite',
        'support_turn',
      ],
      spanTypes: ['AGENT', 'LLM', 'QUERY_REWRITE', 'TOOL', 'UNKNOWN'],
      tags: ['demo', 'eu'],
    });
  });

  it('iterates every span and reports its counts', () => {
    const store = open();
    for (let i = 0; i < 3; i++) store.insertSpans(demoTrace(traceId(), 1_700_000_000_000 + i));
    const many = Array.from({ length: 1200 }, (_, i) => span({ startMs: 1_700_000_000_000 + i }));
    store.insertSpans(many);
    const all = [...store.spans()];
    expect(all).toHaveLength(1212);
    expect(new Set(all.map((s) => s.spanId)).size).toBe(1212);
    expect(store.info()).toMatchObject({
      traceCount: 1203,
      spanCount: 1212,
      feedbackCount: 0,
      path: ':memory:',
    });
    expect(store.info().sizeBytes).toBeGreaterThan(0);
  });
});

describe('TraceStore readers', () => {
  it('lets spans(), feedbackRecords() and dataset() be read while spans are inserted', () => {
    const store = open();
    for (let i = 0; i < 1200; i++) store.insertSpans([span({ startMs: 1_700_000_000_000 + i })]);
    for (let i = 0; i < 600; i++) store.addFeedback({ traceId: traceId(), name: 'n', value: i });
    let spans = 0;
    for (const _ of store.spans()) {
      spans += 1;
      if (spans % 400 === 0) store.insertSpans([span({ startMs: 1 })]);
    }
    expect(spans).toBeGreaterThanOrEqual(1200);
    let feedback = 0;
    for (const _ of store.feedbackRecords()) {
      feedback += 1;
      if (feedback === 10) store.addFeedback({ traceId: traceId(), name: 'late', value: true });
    }
    expect(feedback).toBe(601);
    let examples = 0;
    for (const _ of store.dataset()) {
      examples += 1;
      if (examples === 10) store.insertSpans([span({ startMs: 0 })]);
    }
    expect(examples).toBeGreaterThanOrEqual(1203);
  });
});

describe('TraceStore with spans Glassbox did not make', () => {
  it('types spans by OpenInference kind or GenAI operation, and reads their tokens', () => {
    const store = open();
    const oi = trace({
      root: {
        attributes: {
          'openinference.span.kind': 'CHAIN',
          'input.value': 'What is OTel?',
          'output.value': 'A standard.',
        },
      },
      children: [
        {
          attributes: {
            'openinference.span.kind': 'llm',
            'llm.token_count.prompt': 12,
            'llm.token_count.completion': 3,
          },
        },
        { attributes: { 'gen_ai.operation.name': 'embeddings' } },
        { attributes: { 'gen_ai.operation.name': 'retrieval' } },
      ],
    });
    const vercel = trace({
      root: { attributes: { 'ai.operationId': 'ai.generateText', 'ai.prompt': '{"prompt":"Hello there"}' } },
      children: [
        {
          attributes: {
            'ai.operationId': 'ai.generateText.doGenerate',
            'ai.usage.promptTokens': 7,
            'ai.usage.completionTokens': 2,
          },
        },
      ],
    });
    store.insertSpans([...oi, ...vercel]);
    const a = store.getTrace(oi[0]!.traceId)!.summary;
    expect(a.spanTypes).toEqual(['CHAIN', 'EMBEDDING', 'LLM', 'RETRIEVER']);
    expect(a).toMatchObject({
      inputTokens: 12,
      outputTokens: 3,
      inputPreview: 'What is OTel?',
      outputPreview: 'A standard.',
    });
    expect(store.listTraces({ text: 'otel' }).traces.map((t) => t.traceId)).toEqual([oi[0]!.traceId]);
    const b = store.getTrace(vercel[0]!.traceId)!.summary;
    expect(b.spanTypes).toEqual(['LLM', 'UNKNOWN']);
    expect(b).toMatchObject({ inputTokens: 7, outputTokens: 2, inputPreview: 'Hello there', costUsd: null });
  });

  it('never crashes on odd attribute values and skips records that are not spans', () => {
    const store = open();
    const odd = span({
      name: 42 as unknown as string,
      kind: 'x' as unknown as number,
      attributes: {
        'glassbox.span.type': { nested: true },
        'gen_ai.usage.input_tokens': 'many',
        'gen_ai.usage.output_tokens': -3,
        'glassbox.inputs': '{not json',
        'glassbox.trace.tags': 'solo',
        'session.id': 12,
        'glassbox.rewrite.flagged': 'true',
        'gen_ai.input.messages': '[{"role":"user"}]',
        'gen_ai.usage.cost': Number.POSITIVE_INFINITY,
      },
    });
    odd.startMs = Number.NaN;
    const result = store.insertSpans([
      odd,
      { ...span(), traceId: 'nope' },
      { ...span(), spanId: '0000000000000000' },
      null as unknown as SpanRecord,
    ]);
    expect(result.inserted).toBe(1);
    const summary = store.getTrace(odd.traceId)!.summary;
    expect(summary).toMatchObject({
      rootName: '42',
      spanTypes: ['UNKNOWN'],
      inputTokens: 0,
      outputTokens: 0,
      tags: ['solo'],
      sessionId: '12',
      flagged: true,
      inputPreview: '{not json',
      costUsd: null,
    });
    expect(Number.isFinite(summary.startMs)).toBe(true);
  });
});

describe('TraceStore files', () => {
  it('creates parent directories, and a reopened file has the data', () => {
    const path = join(dir(), 'nested', 'deeper', 'traces.db');
    const spans = demoTrace();
    const first = TraceStore.open({ path });
    first.insertSpans(spans);
    first.addFeedback({ traceId: spans[0]!.traceId, name: 'thumbs', value: true });
    first.close();
    first.close(); // twice is harmless
    const again = open(path);
    expect(again.getTrace(spans[0]!.traceId)?.summary).toMatchObject({ spanCount: 4, feedbackCount: 1 });
    expect(again.listTraces({ text: 'A-1042' }).total).toBe(1);
    again.insertSpans(demoTrace());
    expect(again.info()).toMatchObject({ traceCount: 2, path });
  });

  it('refuses a file that is not SQLite, an SQLite file of another application, and a newer schema', () => {
    const d = dir();
    const text = join(d, 'notes.txt');
    writeFileSync(
      text,
      'hello, this is not a database at all, just some text that is long enough'.repeat(20),
    );
    expect(() => TraceStore.open({ path: text })).toThrow(/not a SQLite database/);
    const other = join(d, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE users (id INTEGER)');
    db.close();
    expect(() => TraceStore.open({ path: other })).toThrow(StoreOpenError);
    expect(() => TraceStore.open({ path: other })).toThrow(/not a Glassbox trace store/);
    const newer = join(d, 'newer.db');
    TraceStore.open({ path: newer }).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => TraceStore.open({ path: newer })).toThrow(/newer Glassbox \(store schema 99/);
  });

  it('checks its options, naming the bad one', () => {
    expect(() => TraceStore.open({ path: '' })).toThrow(/TraceStore\.open\.path/);
    expect(() => TraceStore.open({ path: ':memory:', maxTraces: 0 })).toThrow(/maxTraces/);
    expect(() => TraceStore.open({ path: ':memory:', maxBytes: 1.5 })).toThrow(/maxBytes/);
    expect(() => TraceStore.open({ path: ':memory:', maxTrace: 5 } as never)).toThrow(
      /did you mean `maxTraces`/,
    );
  });
});
