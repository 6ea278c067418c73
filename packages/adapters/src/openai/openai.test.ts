import { ATTR, withSpan } from '@glassbox/core';
import { parentId, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import OpenAIV7 from 'openai-v7';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exportedText, json } from '../internal/llm/testing.js';
import { traceOpenAI } from './index.js';

const { exporter, spans, span } = setupGlassbox();
const server = useFakeLlm();
beforeEach(() => exporter.reset());

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

describe.each([
  ['v6', OpenAI],
  ['v7', OpenAIV7 as unknown as typeof OpenAI],
])('traceOpenAI with openai %s', (_version, Client) => {
  const client = (options: { maxRetries?: number; apiKey?: string } = {}) =>
    traceOpenAI(new Client({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0, ...options }));

  it('records a chat completion under the active span, with request, response, usage and messages', async () => {
    server.enqueue({
      text: 'Sunny.',
      usage: { inputTokens: 40, outputTokens: 7, cachedInputTokens: 16, reasoningTokens: 2 },
    });
    const openai = client();
    const completion = await withSpan('pipeline', () =>
      openai.chat.completions.create({
        model: 'gpt-4o',
        temperature: 0.2,
        top_p: 0.9,
        max_completion_tokens: 100,
        stop: 'END',
        seed: 7,
        frequency_penalty: 0.1,
        presence_penalty: 0.3,
        n: 1,
        response_format: { type: 'json_object' },
        tools: [weather],
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Weather?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21C' },
        ],
      }),
    );
    expect(completion.choices[0]?.message.content).toBe('Sunny.');

    const llm = await span('chat gpt-4o');
    const parent = await span('pipeline');
    expect(parentId(llm)).toBe(parent.spanContext().spanId);
    expect(llm.kind).toBe(SpanKind.CLIENT);
    expect(llm.status.code).toBe(SpanStatusCode.UNSET);
    expect(llm.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'LLM',
      [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR.GEN_AI_PROVIDER_NAME]: 'openai',
      [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o',
      [ATTR.SERVER_ADDRESS]: '127.0.0.1',
      [ATTR.SERVER_PORT]: Number(new URL(server.url).port),
      [ATTR.GEN_AI_REQUEST_TEMPERATURE]: 0.2,
      [ATTR.GEN_AI_REQUEST_TOP_P]: 0.9,
      [ATTR.GEN_AI_REQUEST_MAX_TOKENS]: 100,
      [ATTR.GEN_AI_REQUEST_STOP_SEQUENCES]: ['END'],
      [ATTR.GEN_AI_REQUEST_SEED]: 7,
      [ATTR.GEN_AI_REQUEST_FREQUENCY_PENALTY]: 0.1,
      [ATTR.GEN_AI_REQUEST_PRESENCE_PENALTY]: 0.3,
      [ATTR.GEN_AI_OUTPUT_TYPE]: 'json',
      [ATTR.GEN_AI_RESPONSE_ID]: 'chatcmpl-fake1',
      [ATTR.GEN_AI_RESPONSE_MODEL]: 'gpt-4o',
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 40,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 7,
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 16,
      [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 2,
    });
    // n=1 is the default and is not recorded; no time to first token without a stream.
    expect(llm.attributes[ATTR.GEN_AI_REQUEST_CHOICE_COUNT]).toBeUndefined();
    expect(llm.attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS]).toBeUndefined();
    expect(json(llm, ATTR.GEN_AI_INPUT_MESSAGES)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Weather?' },
          {
            type: 'blob',
            modality: 'image',
            mime_type: 'image/png',
            content: '[4 base64 characters omitted]',
          },
        ],
      },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'sunny, 21C' }] },
    ]);
    expect(json(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Sunny.' }], finish_reason: 'stop' },
    ]);
    expect(json(llm, ATTR.GEN_AI_TOOL_DEFINITIONS)).toEqual([
      {
        type: 'function',
        name: 'get_weather',
        description: 'Weather for a city',
        parameters: weather.function.parameters,
      },
    ]);
  });

  it('records tool calls, n choices and the tool_call finish reason', async () => {
    server.enqueue({ toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: { city: 'Oslo' } }] });
    await client().chat.completions.create({
      model: 'gpt-4o-mini',
      n: 2,
      tools: [weather],
      messages: [{ role: 'user', content: 'Oslo?' }],
    });
    const llm = await span('chat gpt-4o-mini');
    expect(llm.attributes[ATTR.GEN_AI_REQUEST_CHOICE_COUNT]).toBe(2);
    expect(llm.attributes[ATTR.GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['tool_call', 'tool_call']);
    const call = { type: 'tool_call', id: 'call_9', name: 'get_weather', arguments: { city: 'Oslo' } };
    expect(json(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [call], finish_reason: 'tool_call' },
      { role: 'assistant', parts: [call], finish_reason: 'tool_call' },
    ]);
  });

  it('returns the same client, traces it once however often it is wrapped, and leaves other clients alone', async () => {
    const raw = new Client({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 });
    const completions = raw.chat.completions;
    const traced = traceOpenAI(traceOpenAI(raw));
    expect(traced).toBe(raw);
    expect(traced.chat.completions).toBe(completions);
    expect(Object.getPrototypeOf(traced)).toBe(Client.prototype);
    await traced.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'once' }] });
    const other = new Client({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 });
    await other.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'untraced' }],
    });
    expect((await spans()).map((s) => s.name)).toEqual(['chat gpt-4o']);
  });

  it('rethrows the SDK error object unchanged and marks the span with the HTTP status', async () => {
    for (const status of [429, 500]) {
      server.enqueue({ error: { status } });
      let caught: unknown;
      await client()
        .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
        .catch((error: unknown) => {
          caught = error;
        });
      expect(caught).toBeInstanceOf(Client.APIError);
      expect(caught).toBeInstanceOf(status === 429 ? Client.RateLimitError : Client.InternalServerError);
      const failed = (await spans()).at(-1)!;
      expect(failed.status.code).toBe(SpanStatusCode.ERROR);
      expect(failed.attributes[ATTR.ERROR_TYPE]).toBe(String(status));
      expect(failed.events.find((e) => e.name === 'exception')?.attributes?.['exception.type']).toBe(
        (caught as Error).constructor.name,
      );
    }
  });

  it('keeps one span across SDK retries', async () => {
    server.enqueue({ error: { status: 500 } }, { text: 'second time lucky' });
    const completion = await client({ maxRetries: 1 }).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'retry' }],
    });
    expect(completion.choices[0]?.message.content).toBe('second time lucky');
    expect(server.requests).toHaveLength(2);
    const all = await spans();
    expect(all).toHaveLength(1);
    expect(all[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('types a connection failure by its error class', async () => {
    const dead = traceOpenAI(
      new Client({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 }),
    );
    const error = await dead.chat.completions
      .create({ model: 'gpt-4o', messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Client.APIConnectionError);
    expect((await span('chat gpt-4o')).attributes[ATTR.ERROR_TYPE]).toBe((error as Error).constructor.name);
  });

  it('keeps withResponse() working and leaves the body of asResponse() unread', async () => {
    const openai = client();
    server.enqueue({ text: 'with response' });
    const { data, response, request_id } = await openai.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a' }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('with response');
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_fake1');

    server.enqueue({ text: 'raw body' });
    const raw = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'b' }] })
      .asResponse();
    const body = (await raw.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('raw body');

    const [first, second] = await spans();
    expect(first?.attributes[ATTR.GEN_AI_RESPONSE_ID]).toBe('chatcmpl-fake1');
    // The raw response's body belongs to the application: its span ends without reading it.
    expect(second?.name).toBe('chat gpt-4o-mini');
    expect(second?.attributes[ATTR.GEN_AI_RESPONSE_ID]).toBeUndefined();
  });

  it('traces chat.completions.parse() as one span and does not break its parsing', async () => {
    server.enqueue({ text: '{"city":"Paris","celsius":21}' });
    const format = zodResponseFormat(z.object({ city: z.string(), celsius: z.number() }), 'weather');
    const completion = await client().chat.completions.parse({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Weather in Paris as JSON' }],
      response_format: format,
    });
    expect(completion.choices[0]?.message.parsed).toEqual({ city: 'Paris', celsius: 21 });
    const all = await spans();
    expect(all).toHaveLength(1);
    expect(all[0]?.attributes[ATTR.GEN_AI_OUTPUT_TYPE]).toBe('json');
    expect(all[0]?.attributes[ATTR.GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
  });

  it('with capture off keeps models, tokens and timings but no message text', async () => {
    const quiet = traceOpenAI(
      new Client({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 }),
      {
        captureContent: false,
      },
    );
    server.enqueue({ text: 'SECRET-REPLY', usage: { inputTokens: 9, outputTokens: 2 } });
    await quiet.chat.completions.create({
      model: 'gpt-4o',
      tools: [weather],
      messages: [{ role: 'user', content: 'SECRET-PROMPT' }],
    });
    server.enqueue({ text: 'SECRET-STREAM', usage: { inputTokens: 9, outputTokens: 2 } });
    const stream = await quiet.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'SECRET-PROMPT' }],
    });
    for await (const _ of stream);
    await quiet.embeddings.create({ model: 'text-embedding-3-small', input: 'SECRET-EMBED' });
    const all = await spans();
    expect(all).toHaveLength(3);
    expect(exportedText(all)).not.toMatch(/SECRET|get_weather/);
    for (const s of all) {
      expect(s.attributes[ATTR.GEN_AI_REQUEST_MODEL]).toBeDefined();
      expect(s.attributes[ATTR.GEN_AI_USAGE_INPUT_TOKENS]).toBeTypeOf('number');
      expect(s.endTime).toBeDefined();
    }
    expect(all[1]?.attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS]).toBeTypeOf('number');
    expect(all[1]?.attributes[ATTR.GEN_AI_RESPONSE_FINISH_REASONS]).toEqual(['stop']);
  });

  it('never exports the API key or the client headers, even when an error message echoes the key', async () => {
    const apiKey = 'sk-proj-THISISTHEKEY0123456789abcdef';
    const openai = traceOpenAI(
      new Client({
        apiKey,
        baseURL: server.openaiBaseURL,
        maxRetries: 0,
        defaultHeaders: { 'x-team-secret': 'hdr-value-42' },
      }),
    );
    await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    server.enqueue({ error: { status: 401, message: `Incorrect API key provided: ${apiKey}.` } });
    await openai.chat.completions.create({ model: 'gpt-4o', messages: [] }).catch(() => undefined);
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    for await (const _ of stream);
    expect(server.requests[0]?.headers['x-team-secret']).toBe('hdr-value-42');
    const text = exportedText(await spans());
    expect(text).not.toContain('THISISTHEKEY');
    expect(text).not.toContain('hdr-value-42');
    expect(text).toContain('401');
  });
});
