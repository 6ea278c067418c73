import { ATTR, init, logFeedback, SpanType, trace, withSpan, withTraceContext } from '@glassbox/core';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReceivedSpan, startOtlpReceiver, type WireValue } from '../tests/otlp-receiver.js';
import { InMemoryExporter } from './in-memory-exporter.js';
import { otlpExporter } from './otlp-exporter.js';
import type { OtlpConventions, OtlpExporterOptions } from './otlp-options.js';

// One real Glassbox trace (core's API, a real SDK, batch-free export), sent by four exporters at once,
// one per convention, to a real OTLP receiver; an in-memory exporter beside them sees the spans as the
// app recorded them.

const receiver = await startOtlpReceiver();
const memory = new InMemoryExporter();
const CONVENTIONS: OtlpConventions[] = ['glassbox', 'openinference', 'mlflow', 'langfuse'];
const exporters = CONVENTIONS.map((conventions) =>
  otlpExporter({
    endpoint: receiver.url,
    conventions,
    headers: { 'x-conventions': conventions },
  } satisfies OtlpExporterOptions),
);

const docs = [
  { id: 'kb-1', score: 0.91, content: 'Orders ship in 2 days.', metadata: { title: 'Shipping' } },
  { id: 'kb-2', score: 0.42, content: 'Returns within 30 days.', metadata: { title: 'Returns' } },
];
const inputMessages = [
  { role: 'system', parts: [{ type: 'text', content: 'Answer briefly.' }] },
  { role: 'user', parts: [{ type: 'text', content: 'Where is order A-1?' }] },
  {
    role: 'assistant',
    parts: [{ type: 'tool_call', id: 'call_1', name: 'lookup_order', arguments: { orderId: 'A-1' } }],
  },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { status: 'shipped' } }] },
];
const outputMessages = [
  { role: 'assistant', parts: [{ type: 'text', content: 'It shipped.' }], finish_reason: 'stop' },
];

let turn: { traceId: string; spanId: string } = { traceId: '', spanId: '' };

beforeAll(async () => {
  const glassbox = init({
    serviceName: 'conventions-test',
    exporters: [memory, ...exporters],
    exportMode: 'immediate',
    logLevel: 'none',
  });
  const rewrite = trace(async (q: string) => `${q} status`, {
    name: 'query_rewrite',
    type: SpanType.QUERY_REWRITE,
    attributes: { [ATTR.REWRITE_FLAGGED]: true },
  });
  const retrieve = trace(async (_q: string) => docs.map((d) => d.id), {
    name: 'retrieval kb',
    type: SpanType.RETRIEVER,
    attributes: { [ATTR.RETRIEVAL_DOCUMENTS]: JSON.stringify(docs) },
  });
  const lookup = trace(async (orderId: string) => ({ orderId, status: 'shipped' }), {
    name: 'execute_tool lookup_order',
    type: SpanType.TOOL,
    attributes: { [ATTR.GEN_AI_TOOL_NAME]: 'lookup_order', [ATTR.GEN_AI_TOOL_CALL_ID]: 'call_1' },
  });
  const guard = trace(async (text: string) => text.length < 1000, {
    name: 'guardrail length',
    type: SpanType.GUARDRAIL,
    captureOutputs: false,
    attributes: { [ATTR.GUARDRAIL_NAME]: 'length', [ATTR.GUARDRAIL_DECISION]: 'block' },
  });
  const supportTurn = trace(
    async (question: string) => {
      const query = await rewrite(question);
      await retrieve(query);
      await lookup('A-1');
      await withSpan(
        {
          name: 'chat gpt-4o',
          type: SpanType.LLM,
          kind: SpanKind.CLIENT,
          captureOutputs: false,
          attributes: {
            [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
            [ATTR.GEN_AI_PROVIDER_NAME]: 'openai',
            [ATTR.GEN_AI_REQUEST_MODEL]: 'house-model',
            [ATTR.GEN_AI_REQUEST_TEMPERATURE]: 0.2,
          },
        },
        async (span) => {
          span.setAttributes({
            [ATTR.GEN_AI_INPUT_MESSAGES]: JSON.stringify(inputMessages),
            [ATTR.GEN_AI_OUTPUT_MESSAGES]: JSON.stringify(outputMessages),
            [ATTR.GEN_AI_RESPONSE_MODEL]: 'house-model-2026',
            [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 120,
            [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 30,
            [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 100,
            [ATTR.GEN_AI_USAGE_COST]: 0.0006,
            [ATTR.COST_INPUT_USD]: 0.0003,
            [ATTR.COST_OUTPUT_USD]: 0.0003,
          });
        },
      );
      await guard('It shipped.');
      return 'It shipped.';
    },
    { name: 'support_turn', type: SpanType.AGENT },
  );
  await withTraceContext(
    { sessionId: 'session-7', userId: 'user-9', tags: ['demo', 'beta'], metadata: { plan: 'pro' } },
    async () => {
      await supportTurn('Where is order A-1?');
    },
  );
  await glassbox.flush();
  const root = memory.spans().find((s) => s.name === 'support_turn')!;
  turn = { traceId: root.spanContext().traceId, spanId: root.spanContext().spanId };
  logFeedback({ ...turn, name: 'helpful', value: false, rationale: 'Too short.', source: 'human' });
  await glassbox.shutdown();
});

afterAll(() => receiver.close());

/** The spans one exporter sent, by name. */
function sent(conventions: OtlpConventions): Map<string, ReceivedSpan> {
  const spans = receiver.exports
    .filter((e) => e.headers['x-conventions'] === conventions)
    .flatMap((e) => e.spans);
  return new Map(spans.map((s) => [s.name, s]));
}

function attr(span: ReceivedSpan | undefined, key: string): unknown {
  const value: WireValue | undefined = span?.attributes[key];
  if (value === undefined) return undefined;
  if ('arrayValue' in value) return value.arrayValue.map((v) => Object.values(v)[0]);
  return Object.values(value)[0];
}

const json = (span: ReceivedSpan | undefined, key: string): unknown => JSON.parse(String(attr(span, key)));

const NAMES = [
  'support_turn',
  'query_rewrite',
  'retrieval kb',
  'execute_tool lookup_order',
  'chat gpt-4o',
  'guardrail length',
  'feedback helpful',
];

describe('otlpExporter conventions', () => {
  it('sends every span under every convention', () => {
    for (const conventions of CONVENTIONS) {
      expect([...sent(conventions).keys()].sort()).toEqual([...NAMES].sort());
    }
  });

  it("leaves the app's spans as they were: the in-memory exporter sees no backend key", () => {
    const keys = memory.spans().flatMap((s: ReadableSpan) => Object.keys(s.attributes));
    expect(keys.filter((k) => /^(openinference|llm|input|output|mlflow|langfuse|tag)\./.test(k))).toEqual([]);
    expect(keys).toContain('glassbox.span.type');
  });

  it("'glassbox' sends the attributes exactly as recorded", () => {
    const spans = sent('glassbox');
    for (const span of memory.spans()) {
      const received = spans.get(span.name)!;
      expect(Object.keys(received.attributes).sort()).toEqual(Object.keys(span.attributes).sort());
    }
  });

  it("'openinference' adds span kinds, inputs and outputs with mime types, and keeps the Glassbox keys", () => {
    const spans = sent('openinference');
    const kinds = Object.fromEntries(NAMES.map((n) => [n, attr(spans.get(n), 'openinference.span.kind')]));
    expect(kinds).toEqual({
      support_turn: 'AGENT',
      query_rewrite: 'CHAIN',
      'retrieval kb': 'RETRIEVER',
      'execute_tool lookup_order': 'TOOL',
      'chat gpt-4o': 'LLM',
      'guardrail length': 'GUARDRAIL',
      'feedback helpful': 'EVALUATOR',
    });
    const root = spans.get('support_turn');
    expect(json(root, 'input.value')).toEqual({ question: 'Where is order A-1?' });
    expect(attr(root, 'input.mime_type')).toBe('application/json');
    // A string result is shown as text, not as a JSON string literal.
    expect(attr(root, 'output.value')).toBe('It shipped.');
    expect(attr(root, 'output.mime_type')).toBe('text/plain');
    expect(attr(root, 'glassbox.span.type')).toBe('AGENT');
    const tool = spans.get('execute_tool lookup_order');
    expect(json(tool, 'output.value')).toEqual({ orderId: 'A-1', status: 'shipped' });
    expect(attr(tool, 'output.mime_type')).toBe('application/json');
    expect(attr(tool, 'tool.name')).toBe('lookup_order');
    expect(json(spans.get('guardrail length'), 'output.value')).toEqual({
      decision: 'block',
      name: 'length',
    });
  });

  it("'openinference' flattens LLM messages, tool calls, token counts, cost and invocation parameters", () => {
    const llm = sent('openinference').get('chat gpt-4o');
    expect(attr(llm, 'llm.model_name')).toBe('house-model-2026');
    expect(attr(llm, 'llm.provider')).toBe('openai');
    expect(attr(llm, 'llm.input_messages.0.message.role')).toBe('system');
    expect(attr(llm, 'llm.input_messages.0.message.content')).toBe('Answer briefly.');
    expect(attr(llm, 'llm.input_messages.1.message.content')).toBe('Where is order A-1?');
    expect(attr(llm, 'llm.input_messages.2.message.tool_calls.0.tool_call.function.name')).toBe(
      'lookup_order',
    );
    expect(json(llm, 'llm.input_messages.2.message.tool_calls.0.tool_call.function.arguments')).toEqual({
      orderId: 'A-1',
    });
    expect(attr(llm, 'llm.input_messages.3.message.role')).toBe('tool');
    expect(attr(llm, 'llm.input_messages.3.message.tool_call_id')).toBe('call_1');
    expect(attr(llm, 'llm.output_messages.0.message.content')).toBe('It shipped.');
    expect(llm?.attributes['llm.token_count.prompt']).toEqual({ intValue: 120 });
    expect(llm?.attributes['llm.token_count.completion']).toEqual({ intValue: 30 });
    expect(llm?.attributes['llm.token_count.total']).toEqual({ intValue: 150 });
    expect(llm?.attributes['llm.token_count.prompt_details.cache_read']).toEqual({ intValue: 100 });
    expect(attr(llm, 'llm.cost.total')).toBe(0.0006);
    expect(json(llm, 'llm.invocation_parameters')).toEqual({ temperature: 0.2 });
    expect(json(llm, 'input.value')).toEqual(inputMessages);
    expect(attr(llm, 'input.mime_type')).toBe('application/json');
  });

  it("'openinference' lists retrieved documents and carries session, user, tags and metadata", () => {
    const spans = sent('openinference');
    const retrieval = spans.get('retrieval kb');
    expect(attr(retrieval, 'retrieval.documents.0.document.id')).toBe('kb-1');
    expect(attr(retrieval, 'retrieval.documents.0.document.score')).toBe(0.91);
    expect(attr(retrieval, 'retrieval.documents.1.document.content')).toBe('Returns within 30 days.');
    expect(json(retrieval, 'retrieval.documents.1.document.metadata')).toEqual({ title: 'Returns' });
    for (const name of NAMES.filter((n) => n !== 'feedback helpful')) {
      const span = spans.get(name);
      expect(attr(span, 'session.id'), name).toBe('session-7');
      expect(attr(span, 'user.id'), name).toBe('user-9');
      expect(attr(span, 'tag.tags'), name).toEqual(['demo', 'beta']);
      expect(json(span, 'metadata'), name).toEqual({ plan: 'pro' });
    }
  });

  it("'openinference' shows feedback as an evaluator step with the judgement as its output", () => {
    const feedback = sent('openinference').get('feedback helpful');
    expect(json(feedback, 'input.value')).toEqual({ name: 'helpful', ...turn });
    expect(json(feedback, 'output.value')).toEqual({
      value: false,
      rationale: 'Too short.',
      source: 'human',
    });
  });

  it("'mlflow' adds MLflow span types, JSON inputs and outputs, token usage and root trace tags", () => {
    const spans = sent('mlflow');
    const types = Object.fromEntries(NAMES.map((n) => [n, attr(spans.get(n), 'mlflow.spanType')]));
    expect(types).toEqual({
      support_turn: 'AGENT',
      query_rewrite: 'CHAIN',
      'retrieval kb': 'RETRIEVER',
      'execute_tool lookup_order': 'TOOL',
      'chat gpt-4o': 'CHAT_MODEL',
      'guardrail length': 'GUARDRAIL',
      'feedback helpful': 'EVALUATOR',
    });
    const root = spans.get('support_turn');
    expect(json(root, 'mlflow.spanInputs')).toEqual({ question: 'Where is order A-1?' });
    expect(json(root, 'mlflow.spanOutputs')).toBe('It shipped.');
    expect(attr(root, 'mlflow.traceTag.plan')).toBe('pro');
    expect(attr(root, 'mlflow.traceTag.demo')).toBe('true');
    expect(attr(spans.get('query_rewrite'), 'mlflow.traceTag.plan')).toBeUndefined();
    // OpenInference keys too: MLflow reads them when its own are missing.
    expect(attr(root, 'openinference.span.kind')).toBe('AGENT');

    const llm = spans.get('chat gpt-4o');
    expect(json(llm, 'mlflow.chat.tokenUsage')).toEqual({
      input_tokens: 120,
      output_tokens: 30,
      total_tokens: 150,
      cache_read_input_tokens: 100,
    });
    expect(json(llm, 'mlflow.llm.cost')).toEqual({
      input_cost: 0.0003,
      output_cost: 0.0003,
      total_cost: 0.0006,
    });
    expect(json(llm, 'mlflow.message.format')).toBe('openai');
    expect(json(llm, 'mlflow.spanInputs')).toEqual({
      model: 'house-model-2026',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'Where is order A-1?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup_order', arguments: '{"orderId":"A-1"}' },
            },
          ],
        },
        { role: 'tool', content: '{"status":"shipped"}', tool_call_id: 'call_1' },
      ],
    });
    expect(json(llm, 'mlflow.spanOutputs')).toEqual({
      choices: [{ index: 0, message: { role: 'assistant', content: 'It shipped.' }, finish_reason: 'stop' }],
    });
    expect(json(spans.get('retrieval kb'), 'mlflow.spanOutputs')).toEqual([
      { page_content: 'Orders ship in 2 days.', metadata: { title: 'Shipping', score: 0.91 }, id: 'kb-1' },
      { page_content: 'Returns within 30 days.', metadata: { title: 'Returns', score: 0.42 }, id: 'kb-2' },
    ]);
  });

  it("'langfuse' adds observation types, inputs and outputs, model, usage, cost, level and trace tags", () => {
    const spans = sent('langfuse');
    const types = Object.fromEntries(NAMES.map((n) => [n, attr(spans.get(n), 'langfuse.observation.type')]));
    expect(types).toEqual({
      support_turn: 'agent',
      query_rewrite: 'chain',
      'retrieval kb': 'retriever',
      'execute_tool lookup_order': 'tool',
      'chat gpt-4o': 'generation',
      'guardrail length': 'guardrail',
      'feedback helpful': 'evaluator',
    });
    const llm = spans.get('chat gpt-4o');
    expect(attr(llm, 'langfuse.observation.model.name')).toBe('house-model-2026');
    expect(json(llm, 'langfuse.observation.usage_details')).toEqual({
      input: 120,
      output: 30,
      total: 150,
      cache_read_input_tokens: 100,
    });
    expect(json(llm, 'langfuse.observation.cost_details')).toEqual({
      input: 0.0003,
      output: 0.0003,
      total: 0.0006,
    });
    expect(json(llm, 'langfuse.observation.output')).toEqual({ role: 'assistant', content: 'It shipped.' });
    expect(json(spans.get('support_turn'), 'langfuse.observation.input')).toEqual({
      question: 'Where is order A-1?',
    });
    expect(attr(spans.get('support_turn'), 'langfuse.observation.output')).toBe('It shipped.');
    expect(attr(spans.get('query_rewrite'), 'langfuse.observation.level')).toBe('WARNING');
    expect(attr(spans.get('support_turn'), 'langfuse.trace.tags')).toEqual(['demo', 'beta']);
    expect(attr(spans.get('support_turn'), 'langfuse.trace.metadata.plan')).toBe('pro');
    expect(attr(spans.get('support_turn'), 'session.id')).toBe('session-7');
  });
});

describe('otlpExporter conventions: defaults and checks', () => {
  it('takes the preset default and lets an explicit option win', () => {
    const env = { MLFLOW_EXPERIMENT_ID: '1', LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      expect(otlpExporter().conventions).toBe('glassbox');
      expect(otlpExporter({ preset: 'jaeger' }).conventions).toBe('glassbox');
      expect(otlpExporter({ preset: 'phoenix' }).conventions).toBe('openinference');
      expect(otlpExporter({ preset: 'mlflow' }).conventions).toBe('mlflow');
      expect(otlpExporter({ preset: 'langfuse' }).conventions).toBe('langfuse');
      expect(otlpExporter({ preset: 'phoenix', conventions: 'glassbox' }).conventions).toBe('glassbox');
      expect(otlpExporter({ conventions: 'openinference' }).conventions).toBe('openinference');
    } finally {
      process.env = saved;
    }
  });

  it('refuses an unknown convention, and OTLP/JSON for Phoenix, naming the option or env var', () => {
    expect(() => otlpExporter({ conventions: 'otel' as OtlpConventions })).toThrow(
      /otlpExporter\.conventions.*'glassbox'.*'openinference'.*'mlflow'.*'langfuse'/s,
    );
    expect(() => otlpExporter({ preset: 'phoenix', protocol: 'http/json' })).toThrow(
      /otlpExporter\.protocol.*Phoenix accepts only 'http\/protobuf'/,
    );
    const saved = process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    try {
      expect(() => otlpExporter({ preset: 'phoenix' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
      expect(otlpExporter({ endpoint: receiver.url }).protocol).toBe('http/json');
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
      else process.env.OTEL_EXPORTER_OTLP_PROTOCOL = saved;
    }
  });

  it('names both the option and the env var when the mlflow preset has no experiment', () => {
    const saved = process.env.MLFLOW_EXPERIMENT_ID;
    delete process.env.MLFLOW_EXPERIMENT_ID;
    try {
      expect(() => otlpExporter({ preset: 'mlflow' })).toThrow(/experimentId.*MLFLOW_EXPERIMENT_ID/s);
    } finally {
      if (saved !== undefined) process.env.MLFLOW_EXPERIMENT_ID = saved;
    }
  });
});
