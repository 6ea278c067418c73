import { definePrompt } from '@glassbox/adapters/prompts';
import { traceRewrite } from '@glassbox/adapters/rewrite';
import { logFeedback, SpanType, withSpan } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttrValue, SpanRecord } from '../store/span-record.js';
import { TraceStore } from '../store/trace-store.js';
import { received, record } from './__fixtures__/records.js';
import { computeStats } from './compute-stats.js';
import { formatStats } from './format-stats.js';
import type { StatsReport } from './stats-report.js';

const { glassbox, spans } = setupGlassbox({
  serviceName: 'stats-app',
  prices: { 'house-model': { inputPerMTok: 10, outputPerMTok: 20 } },
});
afterAll(() => glassbox.shutdown());

const pause = () => new Promise((resolve) => setTimeout(resolve, 3));

/** Every number finite, nothing undefined in arrays, no non-plain objects: what `--json` needs. */
function expectJsonSafe(value: unknown, path: string): void {
  if (typeof value === 'number') expect(Number.isFinite(value), path).toBe(true);
  else if (Array.isArray(value))
    value.forEach((v, i) => {
      expect(v, `${path}[${i}]`).not.toBeUndefined();
      expectJsonSafe(v, `${path}[${i}]`);
    });
  else if (value !== null && typeof value === 'object') {
    expect(Object.getPrototypeOf(value), path).toBe(Object.prototype);
    for (const [k, v] of Object.entries(value)) expectJsonSafe(v, `${path}.${k}`);
  } else expect(['string', 'boolean', 'undefined'].includes(typeof value) || value === null, path).toBe(true);
}

describe('computeStats over a Glassbox-traced app', () => {
  let report: StatsReport;
  let records: SpanRecord[];
  const questions = ['refund policy', 'bad', 'shipping times for Norway'];
  const answer = definePrompt({ name: 'answer', version: 2, template: 'Answer {{q}} from {{ctx}}' });
  const rewrite = traceRewrite(
    (q: string) => (q === 'bad' ? 'a completely different and much much longer query' : `${q}?`),
    { maxLengthRatio: 3 },
  );

  beforeAll(async () => {
    const traceIds: string[] = [];
    for (const [i, q] of questions.entries()) {
      await withSpan({ name: 'support agent', type: SpanType.AGENT }, async (agent) => {
        traceIds.push(agent.traceId);
        const query = rewrite(q);
        await withSpan(
          {
            name: 'chat house-model',
            type: SpanType.LLM,
            attributes: {
              'gen_ai.operation.name': 'chat',
              'gen_ai.request.model': 'house-model',
              'gen_ai.provider.name': 'house',
              'gen_ai.tool.definitions': JSON.stringify([
                { type: 'function', name: 'search' },
                { type: 'function', name: 'calculator' },
              ]),
            },
          },
          async (llm) => {
            answer.render({ q: query, ctx: 'x'.repeat(10 * (i + 1)) });
            llm.setAttributes({
              'gen_ai.usage.input_tokens': 1000 * (i + 1),
              'gen_ai.usage.output_tokens': 500,
            });
          },
        );
        await withSpan(
          {
            name: 'execute_tool search',
            type: SpanType.TOOL,
            attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search' },
          },
          async () => {
            if (i === 2) throw new RangeError('index offline');
          },
        ).catch(() => undefined);
        await withSpan(
          {
            name: 'guardrail pii',
            type: SpanType.GUARDRAIL,
            attributes: {
              'glassbox.guardrail.name': 'pii',
              'glassbox.guardrail.decision': i === 1 ? 'block' : 'pass',
              ...(i === 1 ? { 'glassbox.guardrail.reason': 'email address in answer' } : {}),
            },
          },
          () => undefined,
        );
      });
      await pause();
    }
    logFeedback({ traceId: traceIds[0]!, name: 'thumbs', value: true, source: 'human' });
    logFeedback({ traceId: traceIds[1]!, name: 'thumbs', value: false, source: 'human' });
    logFeedback({ traceId: traceIds[1]!, name: 'relevance', value: 0.25, source: 'llm_judge' });
    logFeedback({ traceId: traceIds[2]!, name: 'relevance', value: 0.75, source: 'llm_judge' });
    records = received(await spans());
    report = computeStats(records);
  });

  it('counts spans, traces, errors and services', () => {
    expect(report.spanCount).toBe(records.length);
    // 3 agent traces, and each feedback without a span id is a trace of its own.
    expect(report.traceCount).toBe(7);
    expect(report.errorCount).toBe(1); // the tool span (the agent caught its error)
    expect(report.services).toEqual(['stats-app']);
  });

  it('gives tokens and cost by model, step and trace from the priced spans', () => {
    expect(report.models).toEqual([
      {
        model: 'house-model',
        provider: 'house',
        calls: 3,
        inputTokens: 6000,
        outputTokens: 1500,
        costUsd: 0.09,
        unpricedCalls: 0,
      },
    ]);
    expect(report.totals).toEqual({ modelCalls: 3, inputTokens: 6000, outputTokens: 1500, costUsd: 0.09 });
    expect(report.costByStep).toEqual([
      { name: 'chat house-model', spanType: 'LLM', calls: 3, costUsd: 0.09 },
    ]);
    expect(report.costByTrace.map((t) => [t.rootName, t.costUsd, t.inputTokens, t.outputTokens])).toEqual([
      ['support agent', 0.04, 3000, 500],
      ['support agent', 0.03, 2000, 500],
      ['support agent', 0.02, 1000, 500],
    ]);
  });

  it('lists the failing step with its last error', () => {
    const tool = report.errors.find((e) => e.name === 'execute_tool search')!;
    expect(tool).toMatchObject({
      spanType: 'TOOL',
      errors: 1,
      count: 3,
      lastMessage: 'index offline',
      lastErrorType: 'RangeError',
    });
    expect(report.errors.map((e) => e.name)).toEqual(['execute_tool search']);
  });

  it('reports tool usage: called, failing, and declared but never called', () => {
    expect(report.tools.called).toHaveLength(1);
    expect(report.tools.called[0]).toMatchObject({
      name: 'search',
      calls: 3,
      errors: 1,
      declared: true,
      lastError: 'index offline',
    });
    expect(report.tools.failing).toEqual(['search']);
    expect(report.tools.neverCalled).toEqual(['calculator']);
  });

  it('reports prompt sizes over time', () => {
    const len = (q: string, i: number) => `Answer ${q} from ${'x'.repeat(10 * (i + 1))}`.length;
    const first = len('refund policy?', 0);
    const last = len('shipping times for Norway?', 2);
    const middle = len('a completely different and much much longer query', 1);
    expect(report.prompts).toEqual([
      expect.objectContaining({
        name: 'answer',
        version: '2',
        renders: 3,
        firstLength: first,
        lastLength: last,
        minLength: Math.min(first, middle, last),
        maxLength: Math.max(first, middle, last),
        growth: last - first,
      }),
    ]);
    expect(report.prompts[0]!.lastSeenMs).toBeGreaterThan(report.prompts[0]!.firstSeenMs);
  });

  it('reports the flagged rewrite with its reasons and text', () => {
    expect(report.rewrites.total).toBe(3);
    expect(report.rewrites.flaggedCount).toBe(1);
    const [flag] = report.rewrites.flagged;
    const span = records.find((r) => r.spanId === flag!.spanId)!;
    expect(flag).toMatchObject({
      original: 'bad',
      rewritten: 'a completely different and much much longer query',
      traceId: span.traceId,
    });
    expect(flag!.reasons).toEqual(span.attributes['glassbox.rewrite.flag.reasons']);
    expect(flag!.reasons.length).toBeGreaterThan(0);
  });

  it('counts guardrail decisions and feedback', () => {
    expect(report.guardrails).toEqual([
      {
        name: 'pii',
        total: 3,
        pass: 2,
        block: 1,
        modify: 0,
        other: 0,
        lastBlockReason: 'email address in answer',
      },
    ]);
    expect(report.feedback).toEqual([
      {
        name: 'relevance',
        kind: 'feedback',
        count: 2,
        positive: 0,
        negative: 0,
        mean: 0.5,
        min: 0.25,
        max: 0.75,
        labels: [],
      },
      {
        name: 'thumbs',
        kind: 'feedback',
        count: 2,
        positive: 1,
        negative: 1,
        mean: null,
        min: null,
        max: null,
        labels: [],
      },
    ]);
  });

  it('puts the slowest step first and counts every span of each step', () => {
    const counts = Object.fromEntries(report.steps.map((s) => [s.name, s.count]));
    expect(counts).toMatchObject({
      'support agent': 3,
      'chat house-model': 3,
      'execute_tool search': 3,
      query_rewrite: 3,
    });
    expect(report.steps[0]!.name).toBe('support agent');
    for (const s of report.steps) expect(s.p50Ms).toBeLessThanOrEqual(s.p95Ms);
  });
});

describe('computeStats: latency percentiles (nearest rank)', () => {
  it('gives exact p50, p95 and max per step, slowest p95 first', () => {
    const spans = [
      ...Array.from({ length: 100 }, (_, i) =>
        record({ name: 'retrieve', durationMs: 100 - i, attributes: { 'glassbox.span.type': 'RETRIEVER' } }),
      ),
      ...[30, 10, 20].map((d) =>
        record({ name: 'chat', durationMs: d, attributes: { 'gen_ai.operation.name': 'chat' } }),
      ),
      record({ name: 'one', durationMs: 7.5 }),
    ];
    const { steps } = computeStats(spans);
    expect(steps).toEqual([
      {
        name: 'retrieve',
        spanType: 'RETRIEVER',
        count: 100,
        errors: 0,
        p50Ms: 50,
        p95Ms: 95,
        maxMs: 100,
        totalMs: 5050,
      },
      { name: 'chat', spanType: 'LLM', count: 3, errors: 0, p50Ms: 20, p95Ms: 30, maxMs: 30, totalMs: 60 },
      {
        name: 'one',
        spanType: 'UNKNOWN',
        count: 1,
        errors: 0,
        p50Ms: 7.5,
        p95Ms: 7.5,
        maxMs: 7.5,
        totalMs: 7.5,
      },
    ]);
  });

  it('keeps the latest error of a step by end time, whatever order spans come in', () => {
    const spans = [
      record({ name: 'fetch', startMs: 2000, statusCode: 2, statusMessage: 'late' }),
      record({
        name: 'fetch',
        startMs: 1000,
        statusCode: 2,
        statusMessage: 'early',
        attributes: { 'error.type': 'Timeout' },
      }),
      record({
        name: 'fetch',
        startMs: 500,
        statusCode: 2,
        events: [
          {
            name: 'exception',
            timeUnixNano: '1',
            attributes: { 'exception.type': 'TypeError', 'exception.message': 'boom' },
          },
        ],
      }),
    ];
    expect(computeStats(spans).errors).toEqual([
      {
        name: 'fetch',
        spanType: 'UNKNOWN',
        errors: 3,
        count: 3,
        lastMessage: 'late',
        lastTraceId: spans[0]!.traceId,
        lastAtMs: 2001,
      },
    ]);
    expect(computeStats(spans.slice(2)).errors[0]).toMatchObject({
      lastMessage: 'boom',
      lastErrorType: 'TypeError',
    });
  });
});

describe('computeStats on spans Glassbox did not make', () => {
  it('reads OpenInference LLM and tool spans', () => {
    const report = computeStats([
      record({
        name: 'ChatOpenAI',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o-mini',
          'llm.provider': 'openai',
          'llm.token_count.prompt': 120,
          'llm.token_count.completion': 30,
          'llm.tools.0.tool.json_schema': JSON.stringify({ type: 'function', function: { name: 'lookup' } }),
          'llm.tools.1.tool.json_schema': JSON.stringify({
            type: 'function',
            function: { name: 'unused_tool' },
          }),
        },
      }),
      record({ name: 'lookup', attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'lookup' } }),
      record({ name: 'RunnableSequence', attributes: { 'openinference.span.kind': 'CHAIN' } }),
    ]);
    expect(report.models).toEqual([
      {
        model: 'gpt-4o-mini',
        provider: 'openai',
        calls: 1,
        inputTokens: 120,
        outputTokens: 30,
        costUsd: null,
        unpricedCalls: 1,
      },
    ]);
    expect(report.tools.called.map((t) => [t.name, t.calls, t.declared])).toEqual([['lookup', 1, true]]);
    expect(report.tools.neverCalled).toEqual(['unused_tool']);
    expect(report.totals.costUsd).toBeNull();
    expect(report.costByTrace).toEqual([]);
  });

  it('reads Vercel AI SDK spans without counting the wrapper’s repeated usage', () => {
    const usage = { 'ai.usage.promptTokens': 50, 'ai.usage.completionTokens': 7 };
    const report = computeStats([
      record({
        name: 'ai.generateText',
        attributes: { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'claude-x', ...usage },
      }),
      record({
        name: 'ai.generateText.doGenerate',
        attributes: {
          'ai.operationId': 'ai.generateText.doGenerate',
          'ai.model.id': 'claude-x',
          'ai.model.provider': 'anthropic.messages',
          'ai.prompt.tools': [
            JSON.stringify({ type: 'function', name: 'weather' }),
            JSON.stringify({ type: 'function', name: 'news' }),
          ],
          ...usage,
        },
      }),
      record({
        name: 'ai.toolCall',
        statusCode: 2,
        statusMessage: 'no city',
        attributes: { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'weather' },
      }),
    ]);
    expect(report.models).toEqual([
      {
        model: 'claude-x',
        provider: 'anthropic.messages',
        calls: 1,
        inputTokens: 50,
        outputTokens: 7,
        costUsd: null,
        unpricedCalls: 1,
      },
    ]);
    expect(report.tools).toEqual({
      called: [
        {
          name: 'weather',
          calls: 1,
          errors: 1,
          p50Ms: 1,
          p95Ms: 1,
          maxMs: 1,
          declared: true,
          lastError: 'no city',
        },
      ],
      failing: ['weather'],
      neverCalled: ['news'],
    });
    expect(report.steps.find((s) => s.name === 'ai.generateText.doGenerate')!.spanType).toBe('LLM');
  });

  it('reads plain OpenTelemetry spans, string token counts and gen_ai.evaluation.result events', () => {
    const report = computeStats([
      record({ name: 'GET /health', kind: 1 }),
      record({
        name: 'chat',
        attributes: {
          'gen_ai.response.model': 'm-1',
          'gen_ai.usage.input_tokens': '12',
          'gen_ai.usage.output_tokens': 3,
          'gen_ai.usage.cost': 0.5,
        },
        events: [
          {
            name: 'gen_ai.evaluation.result',
            timeUnixNano: '1',
            attributes: {
              'gen_ai.evaluation.name': 'faithful',
              'gen_ai.evaluation.score.value': 1,
              'gen_ai.evaluation.score.label': 'pass',
            },
          },
          {
            name: 'gen_ai.evaluation.result',
            timeUnixNano: '2',
            attributes: { 'gen_ai.evaluation.name': 'faithful', 'gen_ai.evaluation.score.value': 0 },
          },
        ],
      }),
    ]);
    expect(report.models).toEqual([
      { model: 'm-1', calls: 1, inputTokens: 12, outputTokens: 3, costUsd: 0.5, unpricedCalls: 0 },
    ]);
    expect(report.costByTrace).toEqual([
      {
        traceId: report.costByTrace[0]!.traceId,
        rootName: 'chat',
        startMs: expect.any(Number),
        costUsd: 0.5,
        inputTokens: 12,
        outputTokens: 3,
      },
    ]);
    expect(report.feedback).toEqual([
      {
        name: 'faithful',
        kind: 'evaluation',
        count: 2,
        positive: 0,
        negative: 0,
        mean: 0.5,
        min: 0,
        max: 1,
        labels: [{ label: 'pass', count: 1 }],
      },
    ]);
  });

  it('gives an empty report for no spans', () => {
    const report = computeStats([]);
    expect(report).toMatchObject({
      spanCount: 0,
      traceCount: 0,
      fromMs: null,
      toMs: null,
      steps: [],
      models: [],
    });
    expect(report.totals).toEqual({ modelCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: null });
  });

  it('refuses bad options with the option named', () => {
    expect(() => computeStats([], { top: 0 })).toThrow(/computeStats\.top/);
    expect(() => computeStats([], { registeredTools: 'x' as any })).toThrow(/computeStats\.registeredTools/);
  });

  it('counts registered tools that never ran', () => {
    const report = computeStats(
      [record({ name: 'execute_tool a', attributes: { 'gen_ai.operation.name': 'execute_tool' } })],
      {
        registeredTools: ['a', 'b'],
      },
    );
    expect(report.tools.called.map((t) => [t.name, t.declared])).toEqual([['a', true]]);
    expect(report.tools.neverCalled).toEqual(['b']);
  });

  it('never throws on hostile attribute values, and the report stays JSON-safe', () => {
    const value: fc.Arbitrary<AttrValue> = fc.oneof(
      fc.string(),
      fc.double(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    );
    const keys = [
      'glassbox.span.type',
      'openinference.span.kind',
      'gen_ai.operation.name',
      'gen_ai.request.model',
      'llm.model_name',
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.cost',
      'ai.operationId',
      'ai.prompt.tools',
      'gen_ai.tool.definitions',
      'llm.tools.0.tool.json_schema',
      'gen_ai.tool.name',
      'glassbox.rewrite.flagged',
      'glassbox.rewrite.flag.reasons',
      'glassbox.prompt.name',
      'glassbox.prompt.version',
      'glassbox.prompt.rendered_length',
      'glassbox.guardrail.decision',
      'glassbox.feedback.name',
      'glassbox.feedback.value',
      'glassbox.trace.cost_usd',
      'error.type',
    ];
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: fc.string(),
            statusCode: fc.constantFrom(0, 1, 2),
            durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
            parent: fc.boolean(),
            attributes: fc.dictionary(fc.constantFrom(...keys), value),
            eventAttributes: fc.dictionary(
              fc.constantFrom(
                'gen_ai.evaluation.name',
                'gen_ai.evaluation.score.value',
                'glassbox.rewrite.flag.reason',
              ),
              value,
            ),
          }),
          { maxLength: 20 },
        ),
        (list) => {
          const spans = list.map((s, i) =>
            record(
              {
                name: s.name,
                statusCode: s.statusCode,
                durationMs: s.durationMs,
                attributes: s.attributes,
                ...(s.parent ? { parentSpanId: 'abcdefabcdefabcd' } : {}),
                events: [
                  { name: 'gen_ai.evaluation.result', timeUnixNano: '1', attributes: s.eventAttributes },
                  { name: 'glassbox.rewrite.flag', timeUnixNano: '1', attributes: s.eventAttributes },
                ],
              },
              i % 3,
            ),
          );
          const report = computeStats(spans);
          expectJsonSafe(report, 'report');
          expect(typeof formatStats(report)).toBe('string');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('computeStats with a store’s feedback records', () => {
  it('counts records given on the page, and a record made from a feedback span once', () => {
    const store = TraceStore.open({ path: ':memory:' });
    try {
      const target = record({ name: 'answer' }, 7);
      // A logFeedback-style span (the store makes a record of it, with an id derived from the span).
      const fromSpan = record(
        {
          name: 'feedback thumbs',
          attributes: {
            'glassbox.feedback.name': 'thumbs',
            'glassbox.feedback.value': true,
            'glassbox.feedback.target.trace_id': target.traceId,
            'glassbox.feedback.target.span_id': target.spanId,
          },
        },
        8,
      );
      store.insertSpans([target, fromSpan]);
      store.addFeedback({ traceId: target.traceId, name: 'thumbs', value: false });
      store.addFeedback({ traceId: target.traceId, name: 'tone', value: { score: 3 } });
      expect([...store.feedbackRecords()]).toHaveLength(3);
      const report = computeStats(store.spans(), { feedbackRecords: store.feedbackRecords() });
      expect(report.feedback).toEqual([
        {
          name: 'thumbs',
          kind: 'feedback',
          count: 2,
          positive: 1,
          negative: 1,
          mean: null,
          min: null,
          max: null,
          labels: [],
        },
        {
          name: 'tone',
          kind: 'feedback',
          count: 1,
          positive: 0,
          negative: 0,
          mean: null,
          min: null,
          max: null,
          labels: [{ label: '{"score":3}', count: 1 }],
        },
      ]);
      expect(() => computeStats([], { feedbackRecords: 3 as never })).toThrow(/feedbackRecords/);
    } finally {
      store.close();
    }
  });
});
