import { ATTR, withSpan } from '@glassbox/core';
import { parentId, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { SpanStatusCode } from '@opentelemetry/api';
import OpenAI from 'openai';
import { Stream } from 'openai/streaming';
import OpenAIV7 from 'openai-v7';
import { Stream as StreamV7 } from 'openai-v7/streaming';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectUntil, exposeGc, json } from '../internal/llm/testing.js';
import { traceOpenAI } from './index.js';

const { exporter, spans, span } = setupGlassbox();
const server = useFakeLlm();
beforeEach(() => exporter.reset());

const user = (content: string) => [{ role: 'user' as const, content }];
const text = (s: { attributes: Record<string, unknown> }) =>
  JSON.parse(String(s.attributes[ATTR.GEN_AI_OUTPUT_MESSAGES]))[0].parts.find((p: any) => p.type === 'text')
    ?.content;

describe.each([
  ['v6', OpenAI, Stream],
  ['v7', OpenAIV7 as unknown as typeof OpenAI, StreamV7 as unknown as typeof Stream],
])('traceOpenAI streams with openai %s', (version, Client, StreamClass) => {
  const client = (options: { streamIdleTimeoutMs?: number } = {}) =>
    traceOpenAI(new Client({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 }), options);

  it('hands back the SDK stream and keeps the span open until it is consumed', async () => {
    server.enqueue({ text: 'one two three', chunkDelayMs: 5 });
    const openai = client();
    const stream = await withSpan('turn', () =>
      openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: user('count') }),
    );
    expect(stream).toBeInstanceOf(StreamClass);
    expect(stream.controller).toBeInstanceOf(AbortController);
    // The LLM span is still open (and the root waits for it, to carry the trace's cost and tokens).
    expect(exporter.spans().map((s) => s.name)).toEqual([]);
    const deltas: string[] = [];
    for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    expect(deltas.join('')).toBe('one two three');

    const llm = await span('chat gpt-4o');
    expect(parentId(llm)).toBe((await span('turn')).spanContext().spanId);
    expect(llm.attributes).toMatchObject({
      [ATTR.STREAM_END]: 'completed',
      [ATTR.GEN_AI_RESPONSE_ID]: 'chatcmpl-fake1',
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
    });
    // Without stream_options.include_usage the API sends no usage.
    expect(llm.attributes[ATTR.GEN_AI_USAGE_INPUT_TOKENS]).toBeUndefined();
    const ttft = llm.attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS] as number;
    expect(ttft).toBeGreaterThan(0);
    const durationMs = llm.duration[0] * 1e3 + llm.duration[1] / 1e6;
    expect(durationMs).toBeGreaterThanOrEqual(ttft);
    expect(durationMs).toBeGreaterThanOrEqual(10);
    expect(text(llm)).toBe('one two three');
  });

  it('reads usage from the usage-only final chunk and reassembles tool-call argument deltas', async () => {
    server.enqueue({
      text: 'Let me check.',
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
        { id: 'call_b', name: 'get_time', arguments: { zone: 'Europe/Paris' } },
      ],
      usage: { inputTokens: 21, outputTokens: 13, cachedInputTokens: 5 },
    });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: user('weather and time'),
    });
    for await (const _ of stream);
    const llm = await span('chat gpt-4o');
    expect(llm.attributes).toMatchObject({
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 21,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 13,
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 5,
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_call'],
    });
    expect(json(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Let me check.' },
          {
            type: 'tool_call',
            id: 'call_a',
            name: 'get_weather',
            arguments: { city: 'Paris', unit: 'celsius' },
          },
          { type: 'tool_call', id: 'call_b', name: 'get_time', arguments: { zone: 'Europe/Paris' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  it('ends the span as returned when the consumer breaks out, with what it read', async () => {
    server.enqueue({ text: 'alpha beta gamma delta epsilon', chunkDelayMs: 2 });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: user('x'),
    });
    let seen = '';
    for await (const chunk of stream) {
      seen += chunk.choices[0]?.delta.content ?? '';
      if (seen.includes('beta')) break;
    }
    const llm = await span('chat gpt-4o');
    expect(llm.attributes[ATTR.STREAM_END]).toBe('returned');
    expect(llm.status.code).toBe(SpanStatusCode.UNSET);
    expect(text(llm)).toBe(seen);
    expect(stream.controller.signal.aborted).toBe(true);
  });

  it('ends the span as aborted when the application aborts mid-stream or before reading', async () => {
    server.enqueue({ text: 'a b c d e f g h', chunkDelayMs: 5 });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: user('x'),
    });
    let n = 0;
    for await (const _ of stream) if (++n === 3) stream.controller.abort();
    server.enqueue({ text: 'never read' });
    const unread = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: user('y'),
    });
    unread.controller.abort();
    expect((await span('chat gpt-4o')).attributes[ATTR.STREAM_END]).toBe('aborted');
    expect((await span('chat gpt-4o-mini')).attributes[ATTR.STREAM_END]).toBe('aborted');
  });

  it('feeds one span from the source when the stream is tee()d, and both branches get every chunk', async () => {
    server.enqueue({ text: 'shared words here', usage: { inputTokens: 3, outputTokens: 3 } });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      stream_options: { include_usage: true },
      messages: user('x'),
    });
    const [left, right] = stream.tee();
    const read = async (s: typeof left) => {
      let out = '';
      for await (const chunk of s) out += chunk.choices[0]?.delta.content ?? '';
      return out;
    };
    expect(await Promise.all([read(left), read(right)])).toEqual(['shared words here', 'shared words here']);
    const all = await spans();
    expect(all).toHaveLength(1);
    expect(text(all[0]!)).toBe('shared words here');
    expect(all[0]?.attributes[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(3);
  });

  it('ends a tee()d stream whose branches are both left early: v7 aborts it, v6 leaves it to the idle timeout', async () => {
    server.enqueue({ text: 'a b c d e f g', chunkDelayMs: 3 });
    const stream = await client({ streamIdleTimeoutMs: 40 }).chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: user('x'),
    });
    const [left, right] = stream.tee();
    for await (const _ of left) break;
    for await (const _ of right) break;
    await new Promise((resolve) => setTimeout(resolve, 120));
    const expected = version === 'v7' ? 'aborted' : 'idle_timeout';
    expect((await span('chat gpt-4o')).attributes[ATTR.STREAM_END]).toBe(expected);
  });

  it('works through toReadableStream()', async () => {
    server.enqueue({ text: 'readable stream' });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: user('x'),
    });
    const reader = stream.toReadableStream().getReader();
    let lines = '';
    for (let r = await reader.read(); !r.done; r = await reader.read())
      lines += new TextDecoder().decode(r.value);
    expect(lines.trim().split('\n').length).toBeGreaterThan(2);
    const llm = await span('chat gpt-4o');
    expect(llm.attributes[ATTR.STREAM_END]).toBe('completed');
    expect(text(llm)).toBe('readable stream');
  });

  it('marks the span failed when the server cuts the stream, keeping the partial reply', async () => {
    server.enqueue({ text: 'this reply is cut somewhere in the middle', cutAfterChunks: 4 });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: user('x'),
    });
    let got = '';
    const error = await (async () => {
      for await (const chunk of stream) got += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const llm = await span('chat gpt-4o');
    expect(llm.status.code).toBe(SpanStatusCode.ERROR);
    expect(llm.attributes[ATTR.STREAM_END]).toBe('error');
    expect(llm.attributes[ATTR.ERROR_TYPE]).toBe((error as Error).constructor.name);
    expect(text(llm)).toBe(got);
  });

  it('records an error event inside the stream as the SDK error it raises', async () => {
    server.enqueue({ text: 'partial', streamError: { message: 'overloaded' } });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: user('x'),
    });
    const error = await (async () => {
      for await (const _ of stream);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Client.APIError);
    const llm = await span('chat gpt-4o');
    expect(llm.status.code).toBe(SpanStatusCode.ERROR);
    expect(llm.status.message).toContain('overloaded');
  });

  it('ends the span of a stream nobody reads after the idle timeout, stamped with its last activity', async () => {
    server.enqueue({ text: 'ignored' });
    const stream = await client({ streamIdleTimeoutMs: 40 }).chat.completions.create({
      model: 'gpt-4o',
      stream: true,
      messages: user('x'),
    });
    await new Promise((resolve) => setTimeout(resolve, 120));
    const llm = await span('chat gpt-4o');
    expect(llm.attributes[ATTR.STREAM_END]).toBe('idle_timeout');
    expect(llm.duration[0] * 1e3 + llm.duration[1] / 1e6).toBeLessThan(100);
    stream.controller.abort();
  });

  it('ends the span of a stream dropped unread, or dropped mid-iteration, when it is garbage collected', async () => {
    const openai = client();
    server.enqueue({ text: 'dropped unread' });
    await (async () => {
      await openai.chat.completions.create({ model: 'gpt-4o', stream: true, messages: user('x') });
    })();
    server.enqueue({ text: 'dropped after one chunk' });
    await (async () => {
      const stream = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        messages: user('y'),
      });
      await stream[Symbol.asyncIterator]().next();
    })();
    await collectUntil(() => exporter.spans().length === 2);
    const all = await spans();
    expect(all.map((s) => [s.name, s.attributes[ATTR.STREAM_END]]).sort()).toEqual([
      ['chat gpt-4o', 'abandoned'],
      ['chat gpt-4o-mini', 'abandoned'],
    ]);
  });

  it('does not end a stream that is being read when only its iterator is held', async () => {
    const gc = exposeGc();
    server.enqueue({ text: 'slow words coming', chunkDelayMs: 5 });
    // Only the iterator survives this function: the stream object itself becomes garbage.
    const iterator = await (async () => {
      const stream = await client().chat.completions.create({
        model: 'gpt-4o',
        stream: true,
        messages: user('x'),
      });
      return stream[Symbol.asyncIterator]();
    })();
    let out = '';
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      if (out === '') {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      out += r.value.choices[0]?.delta.content ?? '';
    }
    expect(out).toBe('slow words coming');
    expect((await span('chat gpt-4o')).attributes[ATTR.STREAM_END]).toBe('completed');
  });

  it('makes chat.completions.stream() one span, with its events and final completion intact', async () => {
    server.enqueue({ text: 'helper text', usage: { inputTokens: 4, outputTokens: 2 } });
    const runner = client().chat.completions.stream({
      model: 'gpt-4o',
      stream_options: { include_usage: true },
      messages: user('x'),
    });
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe('helper text');
    expect(deltas.join('')).toBe('helper text');
    const all = await spans();
    expect(all.map((s) => s.name)).toEqual(['chat gpt-4o']);
    expect(all[0]?.attributes[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBe(2);
    expect(text(all[0]!)).toBe('helper text');
  });
});
