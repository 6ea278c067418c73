import { request as httpRequest } from 'node:http';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeLlmServer,
  type RecordedRequest,
  type Responder,
  readConversation,
  type Script,
  sse,
  startFakeLlmServer,
} from './index.js';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
// Wire bodies are asserted on loosely; `any` keeps these tests short.
const json = (response: Response): Promise<any> => response.json();
const chat = (content: string, extra: object = {}) => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content }],
  ...extra,
});

describe('startFakeLlmServer', () => {
  it('exposes the base URLs for both SDKs', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.openaiBaseURL).toBe(`${server.url}/v1`);
    expect(server.anthropicBaseURL).toBe(server.url);
  });

  it('answers unknown paths with 404 in the caller’s error shape', async () => {
    const openai = await post('/v1/nothing', {});
    expect(openai.status).toBe(404);
    expect(await json(openai)).toEqual({
      error: {
        message: 'Invalid URL (POST /v1/nothing)',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    const anthropic = await post('/v1/messages/batches', {}, { 'anthropic-version': '2023-06-01' });
    expect(anthropic.status).toBe(404);
    expect(await json(anthropic)).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect(server.requests.map((r) => [r.path, r.api])).toEqual([
      ['/v1/nothing', undefined],
      ['/v1/messages/batches', undefined],
    ]);
  });

  it('rejects a malformed JSON body with 400 without consuming the queue', async () => {
    server.enqueue({ text: 'kept' });
    const bad = await post('/v1/chat/completions', '{not json');
    expect(bad.status).toBe(400);
    const good = await json(await post('/v1/chat/completions', chat('hi')));
    expect(good.choices[0].message.content).toBe('kept');
  });

  it('consumes queued scripts first in first out, across endpoints', async () => {
    server.enqueue({ text: 'first' }, { text: 'second' }, { error: { status: 400, message: 'third' } });
    const first = await json(await post('/v1/chat/completions', chat('a')));
    const second = await json(await post('/v1/messages', { ...chat('b'), max_tokens: 5 }));
    const third = await post('/v1/responses', { model: 'gpt-4o', input: 'c' });
    const fourth = await json(await post('/v1/chat/completions', chat('d')));
    expect(first.choices[0].message.content).toBe('first');
    expect(second.content).toEqual([{ type: 'text', text: 'second', citations: null }]);
    expect(third.status).toBe(400);
    expect((await json(third)).error.message).toBe('third');
    expect(fourth.choices[0].message.content).toBe('You said: d');
  });

  it('gives content to a queued script that has none from the responder', async () => {
    server.enqueue({ model: 'gpt-4o-2024-08-06', id: 'chatcmpl-custom' });
    const body = await json(await post('/v1/chat/completions', chat('hello')));
    expect(body).toMatchObject({ id: 'chatcmpl-custom', model: 'gpt-4o-2024-08-06' });
    expect(body.choices[0].message.content).toBe('You said: hello');
  });

  it('is deterministic: the same requests after reset() get byte-identical replies', async () => {
    const run = async () => [
      await (await post('/v1/chat/completions', chat('x', { stream: true }))).text(),
      await (await post('/v1/responses', { model: 'gpt-4o', input: 'x', stream: true })).text(),
      await (await post('/v1/messages', { ...chat('x'), max_tokens: 5, stream: true })).text(),
    ];
    const first = await run();
    server.reset();
    expect(await run()).toEqual(first);
    expect(first[0]).toContain('data: [DONE]');
    expect(first[1]).not.toContain('[DONE]');
    expect(first[2]).toContain('event: message_stop');
  });

  it('spaces stream chunks by chunkDelayMs and delays the first byte by latencyMs', async () => {
    server.enqueue({ text: 'a b c d', chunkDelayMs: 15, latencyMs: 30 });
    const started = performance.now();
    const response = await post('/v1/chat/completions', chat('x', { stream: true }));
    const firstByte = performance.now() - started;
    await response.text();
    // role + 4 words + finish + [DONE] = 7 events, so 6 gaps.
    expect(firstByte).toBeGreaterThanOrEqual(25);
    expect(performance.now() - started).toBeGreaterThanOrEqual(30 + 6 * 15 - 10);
  });

  it('close() also ends idle keep-alive connections', async () => {
    const other = await startFakeLlmServer();
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${other.url}/v1/models`, {
        agent: undefined,
        headers: { connection: 'keep-alive' },
      });
      req.on('response', (res) => res.resume().on('end', resolve));
      req.on('error', reject);
      req.end();
    });
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('reports a throwing responder as a 500', async () => {
    const other = await startFakeLlmServer({
      responder: () => {
        throw new Error('no answer');
      },
    });
    try {
      const response = await fetch(`${other.url}/v1/chat/completions`, {
        method: 'POST',
        body: JSON.stringify(chat('x')),
      });
      expect(response.status).toBe(500);
      expect((await json(response)).error.message).toBe('fake-llm: no answer');
    } finally {
      await other.close();
    }
  });
});

describe('responder', () => {
  // The shape of the demo's model: ask for a tool about orders, then answer from the tool result.
  const supportModel: Responder = async (request: RecordedRequest): Promise<Script> => {
    const last = readConversation(request).at(-1);
    if (last?.role === 'tool') return { text: `Your order status: ${last.text}` };
    if (last?.text.includes('order')) {
      return { toolCalls: [{ name: 'lookup_order', arguments: { order_id: last.text.match(/\d+/)?.[0] } }] };
    }
    return { text: 'How can I help?' };
  };

  it('drives a tool loop through the real OpenAI client', async () => {
    const other = await startFakeLlmServer({ responder: supportModel });
    try {
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: other.openaiBaseURL, maxRetries: 0 });
      const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Where is order 42?' }];
      const first = await client.chat.completions.create({ model: 'gpt-4o', messages });
      const call = first.choices[0]?.message.tool_calls?.[0];
      expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ order_id: '42' });
      messages.push(first.choices[0]!.message, { role: 'tool', tool_call_id: call!.id, content: 'shipped' });
      const second = await client.chat.completions.create({ model: 'gpt-4o', messages });
      expect(second.choices[0]?.message.content).toBe('Your order status: shipped');
    } finally {
      await other.close();
    }
  });
});

describe('readConversation', () => {
  const recorded = (api: RecordedRequest['api'], body: unknown): RecordedRequest => ({
    method: 'POST',
    path: '/',
    url: '/',
    headers: {},
    body,
    api,
    stream: false,
  });

  it('normalises OpenAI chat, Responses and Anthropic messages', () => {
    expect(
      readConversation(
        recorded('chat.completions', {
          messages: [
            { role: 'developer', content: 'Be brief.' },
            { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c1', function: { name: 'f', arguments: '{}' } }],
            },
            { role: 'tool', tool_call_id: 'c1', content: 'ok' },
          ],
        }),
      ),
    ).toEqual([
      { role: 'system', text: 'Be brief.' },
      { role: 'user', text: 'Hi' },
      { role: 'assistant', text: '', toolCalls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'tool', text: 'ok', toolCallId: 'c1' },
    ]);
    expect(
      readConversation(
        recorded('responses', {
          instructions: 'Be brief.',
          input: [
            { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
            { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
            { type: 'function_call_output', call_id: 'c1', output: 'ok' },
          ],
        }),
      ).map((turn) => [turn.role, turn.text]),
    ).toEqual([
      ['system', 'Be brief.'],
      ['user', 'Hi'],
      ['assistant', ''],
      ['tool', 'ok'],
    ]);
    expect(
      readConversation(
        recorded('messages', {
          system: [{ type: 'text', text: 'Be brief.' }],
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
          ],
        }),
      ),
    ).toEqual([
      { role: 'system', text: 'Be brief.' },
      { role: 'user', text: 'Hi' },
      { role: 'assistant', text: '', toolCalls: [{ id: 't1', name: 'f', arguments: '{"a":1}' }] },
      { role: 'tool', text: 'ok', toolCallId: 't1' },
    ]);
  });
});

describe('sse', () => {
  it('formats named and unnamed events, JSON and raw payloads', () => {
    expect(sse([{ event: 'ping', data: { type: 'ping' } }, { data: '[DONE]' }, { data: 'a\nb' }])).toBe(
      'event: ping\ndata: {"type":"ping"}\n\ndata: [DONE]\n\ndata: a\ndata: b\n\n',
    );
  });
});
