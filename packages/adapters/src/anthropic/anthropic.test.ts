import Anthropic from '@anthropic-ai/sdk';
import { ATTR, withSpan } from '@glassbox/core';
import { parentId, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { exportedText, json } from '../internal/llm/testing.js';
import { type TraceAnthropicOptions, traceAnthropic } from './index.js';

const { exporter, spans, span } = setupGlassbox();
const server = useFakeLlm();
beforeEach(() => exporter.reset());

const MODEL = 'claude-sonnet-5-5';
const client = (options?: TraceAnthropicOptions, maxRetries = 0) =>
  traceAnthropic(
    new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL, maxRetries }),
    options,
  );
const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
};
const reply = {
  thinking: 'The user wants weather.',
  text: 'Let me look.',
  toolCalls: [{ id: 'toolu_1', name: 'get_weather', arguments: { city: 'Lyon' } }],
  usage: {
    inputTokens: 100,
    outputTokens: 30,
    cachedInputTokens: 400,
    cacheCreationInputTokens: 50,
    reasoningTokens: 12,
  },
};
const expectedParts = [
  { type: 'reasoning', content: 'The user wants weather.' },
  { type: 'text', content: 'Let me look.' },
  { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Lyon' } },
];

describe('traceAnthropic', () => {
  it('records the one-hour share of cache writes, which is priced apart', async () => {
    server.enqueue({
      text: 'ok',
      usage: {
        inputTokens: 10,
        outputTokens: 2,
        cacheCreationInputTokens: 50,
        cacheCreation1hInputTokens: 30,
      },
    });
    await client().messages.create({
      model: MODEL,
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const llm = await span(`chat ${MODEL}`);
    expect(llm.attributes[ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]).toBe(50);
    expect(llm.attributes[ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS]).toBe(30);
  });

  it('records a message: system prompt, content blocks, tool use, thinking and cache-inclusive usage', async () => {
    server.enqueue(reply);
    const anthropic = client();
    const message = await withSpan('agent', () =>
      anthropic.messages.create({
        model: MODEL,
        max_tokens: 1024,
        // Sampling settings older SDK versions type (this one no longer does) are still recorded.
        ...({ temperature: 0.5, top_k: 40, top_p: 0.95 } as object),
        stop_sequences: ['###'],
        system: [{ type: 'text', text: 'You are a weather bot.' }],
        tools: [weatherTool, { type: 'web_search_20250305', name: 'web_search', max_uses: 2 }],
        messages: [
          { role: 'user', content: 'Weather in Lyon?' },
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 'toolu_0', name: 'get_weather', input: { city: 'Paris' } }],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_0', content: [{ type: 'text', text: 'rain' }] },
              { type: 'image', source: { type: 'url', url: 'https://example.com/map.png' } },
            ],
          },
        ],
      }),
    );
    expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
    const llm = await span(`chat ${MODEL}`);
    expect(parentId(llm)).toBe((await span('agent')).spanContext().spanId);
    expect(llm.kind).toBe(SpanKind.CLIENT);
    expect(llm.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'LLM',
      [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR.GEN_AI_PROVIDER_NAME]: 'anthropic',
      [ATTR.GEN_AI_REQUEST_MODEL]: MODEL,
      [ATTR.SERVER_ADDRESS]: '127.0.0.1',
      [ATTR.GEN_AI_REQUEST_MAX_TOKENS]: 1024,
      [ATTR.GEN_AI_REQUEST_TEMPERATURE]: 0.5,
      [ATTR.GEN_AI_REQUEST_TOP_K]: 40,
      [ATTR.GEN_AI_REQUEST_TOP_P]: 0.95,
      [ATTR.GEN_AI_REQUEST_STOP_SEQUENCES]: ['###'],
      [ATTR.GEN_AI_RESPONSE_ID]: 'msg_fake1',
      [ATTR.GEN_AI_RESPONSE_MODEL]: MODEL,
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_call'],
      // Anthropic's input_tokens excludes cached tokens; the convention's count includes them.
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 550,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 30,
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 400,
      [ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 50,
      [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 12,
    });
    expect(json(llm, ATTR.GEN_AI_SYSTEM_INSTRUCTIONS)).toEqual([
      { type: 'text', content: 'You are a weather bot.' },
    ]);
    expect(json(llm, ATTR.GEN_AI_INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Lyon?' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'toolu_0', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      {
        role: 'user',
        parts: [
          { type: 'tool_call_response', id: 'toolu_0', response: 'rain' },
          { type: 'uri', modality: 'image', mime_type: null, uri: 'https://example.com/map.png' },
        ],
      },
    ]);
    expect(json(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: expectedParts, finish_reason: 'tool_call' },
    ]);
    expect(json(llm, ATTR.GEN_AI_TOOL_DEFINITIONS)).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: weatherTool.input_schema,
      },
      { type: 'web_search_20250305', name: 'web_search', max_uses: 2 },
    ]);
  });

  it('folds a stream: thinking, text and tool input JSON split across deltas, usage from message_delta', async () => {
    server.enqueue({ ...reply, chunkDelayMs: 1 });
    const stream = await client().messages.create({
      model: MODEL,
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    expect(exporter.spans()).toHaveLength(0);
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toContain('message_delta');
    const llm = await span(`chat ${MODEL}`);
    expect(llm.attributes).toMatchObject({
      [ATTR.STREAM_END]: 'completed',
      [ATTR.GEN_AI_RESPONSE_ID]: 'msg_fake1',
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_call'],
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 550,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 30,
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 400,
    });
    expect(llm.attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS]).toBeTypeOf('number');
    expect(json(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: expectedParts, finish_reason: 'tool_call' },
    ]);
  });

  it('makes messages.stream() one span, with its events and finalMessage() intact', async () => {
    server.enqueue({ text: 'Streaming helper reply.', usage: { inputTokens: 10, outputTokens: 4 } });
    const helper = client().messages.stream({
      model: MODEL,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let streamed = '';
    helper.on('text', (delta) => {
      streamed += delta;
    });
    const final = await helper.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Streaming helper reply.' });
    expect(streamed).toBe('Streaming helper reply.');
    const all = await spans();
    expect(all.map((s) => s.name)).toEqual([`chat ${MODEL}`]);
    expect(all[0]?.attributes[ATTR.GEN_AI_USAGE_INPUT_TOKENS]).toBe(10);
    expect(json(all[0]!, ATTR.GEN_AI_OUTPUT_MESSAGES)[0].parts).toEqual([
      { type: 'text', content: 'Streaming helper reply.' },
    ]);
  });

  it('ends the span as aborted when messages.stream() is aborted', async () => {
    server.enqueue({ text: 'one two three four five six', chunkDelayMs: 5 });
    const helper = client().messages.stream({
      model: MODEL,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    helper.on('text', () => helper.abort());
    await helper.done().catch(() => undefined);
    const llm = await span(`chat ${MODEL}`);
    expect(llm.attributes[ATTR.STREAM_END]).toBe('aborted');
  });

  it('marks a stream cut by the server as failed, keeping what arrived', async () => {
    server.enqueue({ text: 'partial reply that never ends', cutAfterChunks: 5 });
    const stream = await client().messages.create({
      model: MODEL,
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const error = await (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const llm = await span(`chat ${MODEL}`);
    expect(llm.status.code).toBe(SpanStatusCode.ERROR);
    expect(llm.attributes[ATTR.STREAM_END]).toBe('error');
    expect(json(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)[0].parts[0].content).toMatch(/^partial/);
  });

  it('rethrows 429 and 500 errors unchanged and types the span by status; retries stay one span', async () => {
    for (const status of [429, 500]) {
      server.enqueue({ error: { status } });
      const error = await client()
        .messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(status === 429 ? Anthropic.RateLimitError : Anthropic.InternalServerError);
      const failed = (await spans()).at(-1)!;
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.attributes[ATTR.ERROR_TYPE]).toBe(String(status));
    }
    exporter.reset();
    server.enqueue({ error: { status: 529 } }, { text: 'ok now' });
    const message = await client(undefined, 1).messages.create({
      model: MODEL,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(message.content[0]).toMatchObject({ text: 'ok now' });
    expect(await spans()).toHaveLength(1);
  });

  it('switches the SDK’s own spans off for the traced client unless sdkSpans is set', async () => {
    await client().messages.create({
      model: MODEL,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect((await spans()).map((s) => s.name)).toEqual([`chat ${MODEL}`]);
    exporter.reset();
    await client({ sdkSpans: true }).messages.create({
      model: MODEL,
      max_tokens: 5,
      messages: [{ role: 'user', content: 'x' }],
    });
    const all = await spans();
    const ours = all.find((s) => s.name === `chat ${MODEL}`)!;
    const sdk = all.find((s) => s !== ours);
    expect(sdk?.name).toBe('anthropic.messages.create');
    expect(parentId(sdk!)).toBe(ours.spanContext().spanId);
  });

  it('returns the same client, traces it once, keeps messages.parse() working and traces beta.messages', async () => {
    const raw = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL, maxRetries: 0 });
    expect(traceAnthropic(traceAnthropic(raw))).toBe(raw);
    server.enqueue({ text: '{"answer":4}' });
    const parsed = await raw.messages.parse({
      model: MODEL,
      max_tokens: 50,
      messages: [{ role: 'user', content: '2+2 as JSON' }],
      output_config: {
        format: {
          type: 'json_schema',
          schema: { type: 'object', properties: { answer: { type: 'number' } } },
        },
      },
    });
    expect(parsed.parsed_output).toEqual({ answer: 4 });
    await raw.beta.messages.create({
      model: 'claude-haiku-4-5',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'beta' }],
    });
    const all = await spans();
    expect(all.map((s) => s.name)).toEqual([`chat ${MODEL}`, 'chat claude-haiku-4-5']);
    expect(all[0]?.attributes[ATTR.GEN_AI_OUTPUT_TYPE]).toBe('json');
  });

  it('with capture off keeps tokens, models and timings but no text, and never exports the key', async () => {
    const apiKey = 'sk-ant-api03-SECRETKEYMATERIAL0123456789';
    const quiet = traceAnthropic(new Anthropic({ apiKey, baseURL: server.anthropicBaseURL, maxRetries: 0 }), {
      captureContent: false,
    });
    server.enqueue({ ...reply, text: 'SECRET-REPLY', thinking: 'SECRET-THOUGHT' });
    await quiet.messages.create({
      model: MODEL,
      max_tokens: 5,
      system: 'SECRET-SYSTEM',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'SECRET-PROMPT' }],
    });
    server.enqueue({ text: 'SECRET-STREAM' });
    const stream = await quiet.messages.create({
      model: MODEL,
      max_tokens: 5,
      stream: true,
      messages: [{ role: 'user', content: 'SECRET-PROMPT' }],
    });
    for await (const _ of stream);
    server.enqueue({ error: { status: 401, message: `invalid x-api-key ${apiKey}` } });
    await quiet.messages.create({ model: MODEL, max_tokens: 5, messages: [] }).catch(() => undefined);
    const all = await spans();
    expect(all).toHaveLength(3);
    const text = exportedText(all);
    expect(text).not.toMatch(/SECRET|get_weather|Lyon/);
    expect(all[0]?.attributes[ATTR.GEN_AI_USAGE_INPUT_TOKENS]).toBe(550);
    expect(all[1]?.attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS]).toBeTypeOf('number');
    expect(all[2]?.attributes[ATTR.ERROR_TYPE]).toBe('401');
  });
});
