import OpenAI from 'openai';
import OpenAIV7 from 'openai-v7';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { embeddingVector, type FakeLlmServer, startFakeLlmServer } from './index.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
const user = (content: string) => [{ role: 'user' as const, content }];

// Both majors run the same checks; v7's types differ in detail, so it is driven through v6's surface.
describe.each([
  ['openai v6', OpenAI],
  ['openai v7', OpenAIV7 as unknown as typeof OpenAI],
])('%s', (_name, Client) => {
  const client = (options: { maxRetries?: number } = {}) =>
    new Client({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0, ...options });

  it('answers a non-streaming chat completion and records the request', async () => {
    server.enqueue({ text: 'Hello!', usage: { inputTokens: 12, outputTokens: 3, cachedInputTokens: 4 } });
    const completion = await client().chat.completions.create({ model: 'gpt-4o', messages: user('Hi') });

    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'Hello!' });
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion).toMatchObject({ id: 'chatcmpl-fake1', object: 'chat.completion', model: 'gpt-4o' });
    expect(completion.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 3,
      total_tokens: 15,
      prompt_tokens_details: { cached_tokens: 4 },
    });
    const [request] = server.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', api: 'chat.completions' });
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.body).toMatchObject({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('returns n choices and the default echo reply when nothing is queued', async () => {
    const completion = await client().chat.completions.create({
      model: 'gpt-4o',
      n: 2,
      messages: user('ping'),
    });
    expect(completion.choices.map((c) => [c.index, c.message.content])).toEqual([
      [0, 'You said: ping'],
      [1, 'You said: ping'],
    ]);
  });

  it('streams tool-call argument deltas that the SDK reassembles', async () => {
    server.enqueue({
      text: 'Checking the weather.',
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } }],
    });
    const stream = client().chat.completions.stream({
      model: 'gpt-4o',
      messages: user('Weather?'),
      tools: [weatherTool],
    });
    let argumentDeltas = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments) argumentDeltas++;
    }
    const final = await stream.finalChatCompletion();

    expect(argumentDeltas).toBeGreaterThanOrEqual(3);
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.content).toBe('Checking the weather.');
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call).toMatchObject({ id: 'call_1', type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(call?.type === 'function' ? call.function.arguments : '')).toEqual({
      city: 'Paris',
      unit: 'celsius',
    });
  });

  it('sends a usage-only final chunk only when stream_options.include_usage is set', async () => {
    server.enqueue(
      { text: 'one two three', usage: { inputTokens: 7, outputTokens: 3 } },
      { text: 'no usage' },
    );
    const withUsage = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: user('count'),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of withUsage) chunks.push(chunk);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);

    const withoutUsage = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: user('x'),
      stream: true,
    });
    const plain = [];
    for await (const chunk of withoutUsage) plain.push(chunk);
    expect(plain.every((chunk) => chunk.usage === undefined && chunk.choices.length === 1)).toBe(true);
    expect(plain.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('no usage');
  });

  it('runs a tool loop with runTools', async () => {
    server.enqueue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const seen: unknown[] = [];
    const runner = client().chat.completions.runTools({
      model: 'gpt-4o',
      messages: user('Weather in Oslo?'),
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city.',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            parse: JSON.parse,
            function: (args: { city: string }) => {
              seen.push(args);
              return `Sunny in ${args.city}`;
            },
          },
        },
      ],
    });
    expect(await runner.finalContent()).toBe('Tool result received: Sunny in Oslo');
    expect(seen).toEqual([{ city: 'Oslo' }]);
    expect(server.requests).toHaveLength(2);
  });

  it('surfaces 429 and 500 as the SDK error classes', async () => {
    server.enqueue({ error: { status: 429, message: 'Slow down' } }, { error: { status: 500 } });
    const rateLimited = await client()
      .chat.completions.create({ model: 'gpt-4o', messages: user('a') })
      .catch((e) => e);
    expect(rateLimited).toBeInstanceOf(Client.RateLimitError);
    expect(rateLimited).toMatchObject({ status: 429, code: 'rate_limit_exceeded', type: 'requests' });
    expect(rateLimited.message).toContain('Slow down');
    expect(rateLimited.requestID).toBe('req_fake1');

    const failed = await client()
      .chat.completions.create({ model: 'gpt-4o', messages: user('b') })
      .catch((e) => e);
    expect(failed).toBeInstanceOf(Client.InternalServerError);
    expect(failed).toMatchObject({ status: 500, type: 'server_error' });
  });

  it('is retried by the SDK after a 429 (retry-after-ms keeps it fast)', async () => {
    server.enqueue({ error: { status: 429 } }, { text: 'second time lucky' });
    const started = Date.now();
    const completion = await client({ maxRetries: 2 }).chat.completions.create({
      model: 'gpt-4o',
      messages: user('a'),
    });
    expect(completion.choices[0]?.message.content).toBe('second time lucky');
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('makes the stream iterator throw when the connection is cut halfway', async () => {
    server.enqueue({ text: 'this reply will never arrive in full', cutAfterChunks: 3 });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: user('a'),
      stream: true,
    });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(received.join('')).toBe('this reply ');
  });

  it('raises an in-stream error payload as an APIError', async () => {
    server.enqueue({ text: 'partial', streamError: { message: 'model overloaded' } });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: user('a'),
      stream: true,
    });
    const error = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Client.APIError);
    expect(String((error as Error).message)).toContain('model overloaded');
  });

  it('answers the Responses API without streaming', async () => {
    server.enqueue({
      text: 'Your order ships tomorrow.',
      toolCalls: [{ id: 'call_9', name: 'lookup_order', arguments: '{"order_id":"A1"}' }],
      usage: { inputTokens: 20, outputTokens: 10, cachedInputTokens: 5, reasoningTokens: 2 },
    });
    const response = await client().responses.create({ model: 'gpt-4o', input: 'Where is my order?' });
    expect(response.output_text).toBe('Your order ships tomorrow.');
    expect(response.status).toBe('completed');
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(response.output[1]).toMatchObject({
      call_id: 'call_9',
      name: 'lookup_order',
      arguments: '{"order_id":"A1"}',
    });
    expect(response.usage).toMatchObject({
      input_tokens: 20,
      input_tokens_details: { cached_tokens: 5 },
      output_tokens: 10,
      output_tokens_details: { reasoning_tokens: 2 },
      total_tokens: 30,
    });
  });

  it('streams the Responses API, text and function-call arguments included', async () => {
    server.enqueue({
      thinking: 'The user wants an order.',
      text: 'Let me look that up.',
      toolCalls: [{ name: 'lookup_order', arguments: { order_id: 'A1', verbose: true } }],
    });
    const stream = client().responses.stream({ model: 'gpt-4o', input: 'Where is my order?' });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();

    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types.filter((t) => t === 'response.function_call_arguments.delta').length).toBeGreaterThanOrEqual(
      3,
    );
    expect(types).toContain('response.output_text.delta');
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(final.output_text).toBe('Let me look that up.');
    const call = final.output.find((item) => item.type === 'function_call');
    expect(JSON.parse(call?.type === 'function_call' ? call.arguments : '')).toEqual({
      order_id: 'A1',
      verbose: true,
    });
    expect(final.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [{ text: 'The user wants an order.' }],
    });
  });

  it('serves embeddings as floats or as base64 (the SDK default, decoded by the SDK)', async () => {
    const input = ['refund policy', 'shipping times'];
    const decoded = await client().embeddings.create({ model: 'text-embedding-3-small', input });
    const floats = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input,
      encoding_format: 'float',
      dimensions: 16,
    });
    expect(server.requests.map((r) => (r.body as { encoding_format?: string }).encoding_format)).toEqual([
      'base64',
      'float',
    ]);
    expect(decoded.data[0]?.embedding).toEqual(embeddingVector('refund policy', 64));
    expect(floats.data.map((d) => d.embedding.length)).toEqual([16, 16]);
    expect(floats.data[1]?.embedding).toEqual(embeddingVector('shipping times', 16));
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('lists models', async () => {
    const models = [];
    for await (const model of client().models.list()) models.push(model.id);
    expect(models).toContain('gpt-4o-mini');
  });
});
