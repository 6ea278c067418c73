import { ATTR } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import OpenAIV7 from 'openai-v7';
import { beforeEach, describe, expect, it } from 'vitest';
import { json } from '../internal/llm/testing.js';
import { traceOpenAI } from './index.js';

const { exporter, spans, span } = setupGlassbox();
const server = useFakeLlm();
beforeEach(() => exporter.reset());

const text = (s: { attributes: Record<string, unknown> }) =>
  JSON.parse(String(s.attributes[ATTR.GEN_AI_OUTPUT_MESSAGES]))[0].parts.find((p: any) => p.type === 'text')
    ?.content;

describe.each([
  ['v6', OpenAI],
  ['v7', OpenAIV7 as unknown as typeof OpenAI],
])('traceOpenAI Responses API and embeddings with openai %s', (_version, Client) => {
  const client = () =>
    traceOpenAI(new Client({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 }));

  it('records embeddings as an EMBEDDING span with input tokens and no vectors', async () => {
    server.enqueue({ usage: { inputTokens: 4 } });
    const result = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta'],
    });
    expect(result.data[0]?.embedding).toHaveLength(64);
    const emb = await span('embeddings text-embedding-3-small');
    expect(emb.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'EMBEDDING',
      [ATTR.GEN_AI_OPERATION_NAME]: 'embeddings',
      [ATTR.GEN_AI_RESPONSE_MODEL]: 'text-embedding-3-small',
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 4,
    });
    expect(emb.attributes[ATTR.GEN_AI_REQUEST_ENCODING_FORMATS]).toBeUndefined();
    expect(json(emb, ATTR.INPUTS)).toEqual({ input: ['alpha', 'beta'] });

    await client().embeddings.create({
      model: 'text-embedding-3-large',
      input: 'x',
      encoding_format: 'float',
    });
    expect(
      (await span('embeddings text-embedding-3-large')).attributes[ATTR.GEN_AI_REQUEST_ENCODING_FORMATS],
    ).toEqual(['float']);
  });

  it('records a Responses API reply: instructions, input items, reasoning, text and tool calls', async () => {
    server.enqueue({
      thinking: 'Look it up.',
      text: 'Checking.',
      toolCalls: [{ id: 'call_r', name: 'get_weather', arguments: { city: 'Rome' } }],
      usage: { inputTokens: 30, outputTokens: 12, cachedInputTokens: 10, reasoningTokens: 5 },
    });
    const response = await client().responses.create({
      model: 'o4-mini',
      instructions: 'You are terse.',
      max_output_tokens: 50,
      conversation: 'conv_1',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'Weather in Rome?' }] },
        { type: 'function_call_output', call_id: 'call_0', output: 'earlier result' },
      ],
      tools: [{ type: 'function', name: 'get_weather', parameters: {}, strict: false }],
    });
    expect(response.output_text).toBe('Checking.');
    const llm = await span('chat o4-mini');
    expect(llm.attributes).toMatchObject({
      [ATTR.GEN_AI_REQUEST_MAX_TOKENS]: 50,
      [ATTR.GEN_AI_CONVERSATION_ID]: 'conv_1',
      [ATTR.GEN_AI_RESPONSE_ID]: 'resp_fake1',
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_call'],
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 30,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 12,
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 10,
      [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 5,
    });
    expect(json(llm, ATTR.GEN_AI_SYSTEM_INSTRUCTIONS)).toEqual([{ type: 'text', content: 'You are terse.' }]);
    expect(json(llm, ATTR.GEN_AI_INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Rome?' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_0', response: 'earlier result' }] },
    ]);
    expect(json(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Look it up.' },
          { type: 'text', content: 'Checking.' },
          { type: 'tool_call', id: 'call_r', name: 'get_weather', arguments: { city: 'Rome' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  it('maps an incomplete Responses reply to the length finish reason', async () => {
    server.enqueue({ text: 'cut', finishReason: 'length' });
    await client().responses.create({ model: 'gpt-4o', input: 'long story' });
    expect((await span('chat gpt-4o')).attributes[ATTR.GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['length']);
  });

  it('folds a streamed Responses reply, and responses.stream() is one span', async () => {
    server.enqueue({
      thinking: 'hmm',
      text: 'streamed answer',
      toolCalls: [{ id: 'call_s', name: 'lookup', arguments: { q: 'x' } }],
      usage: { inputTokens: 8, outputTokens: 6, reasoningTokens: 1 },
    });
    const stream = await client().responses.create({ model: 'o4-mini', input: 'hi', stream: true });
    for await (const _ of stream);
    const llm = await span('chat o4-mini');
    expect(llm.attributes).toMatchObject({
      [ATTR.GEN_AI_RESPONSE_ID]: 'resp_fake1',
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 8,
      [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 1,
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_call'],
      [ATTR.STREAM_END]: 'completed',
    });
    expect(llm.attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS]).toBeTypeOf('number');
    expect(json(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)[0].parts).toEqual([
      { type: 'reasoning', content: 'hmm' },
      { type: 'text', content: 'streamed answer' },
      { type: 'tool_call', id: 'call_s', name: 'lookup', arguments: { q: 'x' } },
    ]);

    exporter.reset();
    server.enqueue({ text: 'from the helper' });
    const helper = client().responses.stream({ model: 'gpt-4o', input: 'hi' });
    const final = await helper.finalResponse();
    expect(final.output_text).toBe('from the helper');
    const all = await spans();
    expect(all.map((s) => s.name)).toEqual(['chat gpt-4o']);
    expect(text(all[0]!)).toBe('from the helper');
  });

  it('keeps the partial Responses output when the stream is cut', async () => {
    server.enqueue({ text: 'a long answer that will not finish', cutAfterChunks: 7 });
    const stream = await client().responses.create({ model: 'gpt-4o', input: 'hi', stream: true });
    await (async () => {
      for await (const _ of stream);
    })().catch(() => undefined);
    const llm = await span('chat gpt-4o');
    expect(llm.status.code).toBe(SpanStatusCode.ERROR);
    expect(llm.attributes[ATTR.GEN_AI_RESPONSE_ID]).toBe('resp_fake1');
    expect(text(llm)).toMatch(/^a long/);
  });
});
