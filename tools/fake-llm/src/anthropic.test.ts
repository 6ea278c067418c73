import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLlmServer, startFakeLlmServer } from './index.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const client = (options: { maxRetries?: number } = {}) =>
  new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL, maxRetries: 0, ...options });
const params = (content: string) => ({
  model: 'claude-fake-1',
  max_tokens: 256,
  messages: [{ role: 'user' as const, content }],
});
const orderTool = {
  name: 'lookup_order',
  input_schema: { type: 'object' as const, properties: { order_id: { type: 'string' } } },
};

describe('anthropic', () => {
  it('answers a non-streaming message with cache usage and records the headers', async () => {
    server.enqueue({
      text: 'Bonjour',
      usage: { inputTokens: 10, outputTokens: 2, cachedInputTokens: 100, cacheCreationInputTokens: 50 },
    });
    const message = await client().messages.create(params('Hello'));

    expect(message).toMatchObject({
      id: 'msg_fake1',
      type: 'message',
      role: 'assistant',
      model: 'claude-fake-1',
      stop_reason: 'end_turn',
      content: [{ type: 'text', text: 'Bonjour' }],
    });
    expect(message.usage).toMatchObject({
      input_tokens: 10,
      output_tokens: 2,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 50,
    });
    const [request] = server.requests;
    expect(request).toMatchObject({ path: '/v1/messages', api: 'messages', stream: false });
    // SDK 1.x sends the API key as a bearer token, not as x-api-key.
    expect(request?.headers.authorization).toBe('Bearer sk-ant-test');
    expect(request?.headers['anthropic-version']).toBeDefined();
  });

  it('streams tool_use input as input_json_delta pieces that finalMessage() reassembles', async () => {
    server.enqueue({
      text: 'Looking it up.',
      toolCalls: [{ id: 'toolu_1', name: 'lookup_order', arguments: { order_id: 'A1', include: ['items'] } }],
      usage: { inputTokens: 30, outputTokens: 12 },
    });
    const stream = client().messages.stream({ ...params('Where is A1?'), tools: [orderTool] });
    const jsonPieces: string[] = [];
    stream.on('inputJson', (partial) => jsonPieces.push(partial));
    const message = await stream.finalMessage();

    expect(jsonPieces.filter((piece) => piece !== '').length).toBeGreaterThanOrEqual(3);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'text', text: 'Looking it up.', citations: null },
      expect.objectContaining({
        type: 'tool_use',
        id: 'toolu_1',
        name: 'lookup_order',
        input: { order_id: 'A1', include: ['items'] },
      }),
    ]);
    expect(message.usage).toMatchObject({ input_tokens: 30, output_tokens: 12 });
  });

  it('streams and returns thinking blocks with their signature', async () => {
    server.enqueue(
      { thinking: 'First, recall the policy.', text: 'Refunds take 5 days.', usage: { reasoningTokens: 6 } },
      { thinking: 'Short thought.', text: 'Done.', thinkingSignature: 'sig-123' },
    );
    const stream = client().messages.stream(params('Refunds?'));
    const thinkingDeltas: string[] = [];
    stream.on('thinking', (delta) => thinkingDeltas.push(delta));
    const streamed = await stream.finalMessage();
    expect(thinkingDeltas.length).toBeGreaterThan(1);
    expect(streamed.content[0]).toEqual({
      type: 'thinking',
      thinking: 'First, recall the policy.',
      signature: 'fake-signature-1',
    });
    expect(streamed.usage.output_tokens_details).toEqual({ thinking_tokens: 6 });

    const plain = await client().messages.create(params('Again'));
    expect(plain.content).toEqual([
      { type: 'thinking', thinking: 'Short thought.', signature: 'sig-123' },
      { type: 'text', text: 'Done.', citations: null },
    ]);
  });

  it('maps the portable finish reasons to stop_reason', async () => {
    server.enqueue({ text: 'cut', finishReason: 'length' }, { text: 'paused', finishReason: 'pause_turn' });
    expect((await client().messages.create(params('a'))).stop_reason).toBe('max_tokens');
    expect((await client().messages.stream(params('b')).finalMessage()).stop_reason).toBe('pause_turn');
  });

  it('surfaces 429, 500 and 529 as the SDK error classes', async () => {
    server.enqueue(
      { error: { status: 429 } },
      { error: { status: 500, message: 'boom' } },
      { error: { status: 529 } },
    );
    const rateLimited = await client()
      .messages.create(params('a'))
      .catch((e) => e);
    expect(rateLimited).toBeInstanceOf(Anthropic.RateLimitError);
    expect(rateLimited.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(rateLimited.requestID).toBe('req_fake1');

    const failed = await client()
      .messages.create(params('b'))
      .catch((e) => e);
    expect(failed).toBeInstanceOf(Anthropic.InternalServerError);
    expect(failed.message).toContain('boom');

    const overloaded = await client()
      .messages.stream(params('c'))
      .finalMessage()
      .catch((e) => e);
    expect(overloaded).toBeInstanceOf(Anthropic.APIError);
    expect(overloaded).toMatchObject({ status: 529, error: { error: { type: 'overloaded_error' } } });
  });

  it('is retried by the SDK after a 429 (retry-after-ms keeps it fast)', async () => {
    server.enqueue({ error: { status: 429 } }, { text: 'ok now' });
    const started = Date.now();
    const message = await client({ maxRetries: 2 }).messages.create(params('a'));
    expect(message.content).toEqual([{ type: 'text', text: 'ok now', citations: null }]);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('makes the stream iterator throw when the connection is cut halfway', async () => {
    server.enqueue({ text: 'a long answer that is cut off', cutAfterChunks: 5 });
    const stream = await client().messages.create({ ...params('a'), stream: true });
    const types: string[] = [];
    const error = await (async () => {
      for await (const event of stream) types.push(event.type);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    // message_start, content_block_start, ping (skipped by the SDK), then two deltas.
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
    ]);
  });

  it('raises an in-stream `error` event as an APIError', async () => {
    server.enqueue({ text: 'partial', streamError: { type: 'overloaded_error', message: 'Overloaded' } });
    const error = await client()
      .messages.stream(params('a'))
      .finalMessage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'overloaded_error' },
    });
  });
});
