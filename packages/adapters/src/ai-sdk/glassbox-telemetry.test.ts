import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ATTR, trace } from '@glassbox/core';
import { jsonAttr, onlySpan, parentId, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  embed,
  generateObject,
  generateText,
  Output,
  registerTelemetry,
  stepCountIs,
  streamText,
  type Telemetry,
  tool,
} from 'ai';
import { beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { glassboxTelemetry } from './glassbox-telemetry.js';

const { exporter, spans } = setupGlassbox();
const server = useFakeLlm();
let provider: ReturnType<typeof createOpenAICompatible>;

beforeAll(() => {
  provider = createOpenAICompatible({
    name: 'fake',
    baseURL: server.openaiBaseURL,
    apiKey: 'test-key',
    includeUsage: true,
    supportsStructuredOutputs: true,
  });
});
beforeEach(() => exporter.reset());

const byName = (all: ReadableSpan[], name: string) => all.filter((s) => s.name === name);
const until = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 300 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
};

const weather = tool({
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: trace(async function lookupWeather({ city }: { city: string }) {
    return { city, tempC: 21 };
  }),
});

describe('glassboxTelemetry (AI SDK 7)', () => {
  it('traces a tool round trip: AGENT span, an LLM span per model call, a TOOL span, nested under the caller', async () => {
    server.enqueue(
      {
        toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }],
        usage: { inputTokens: 30, outputTokens: 7 },
      },
      { text: 'It is 21°C in Paris.', usage: { inputTokens: 52, outputTokens: 9, cachedInputTokens: 12 } },
    );
    const ask = trace(async function ask(question: string) {
      const result = await generateText({
        model: provider('fake-model'),
        system: 'You are terse.',
        prompt: question,
        tools: { weather },
        stopWhen: stepCountIs(3),
        telemetry: { integrations: glassboxTelemetry(), functionId: 'weather-bot' },
      });
      return result.text;
    });
    expect(await ask('Weather in Paris?')).toBe('It is 21°C in Paris.');

    const all = await spans();
    const root = onlySpan(all, 'ask');
    const agent = onlySpan(all, 'ai.generateText weather-bot');
    const [first, second] = byName(all, 'chat fake-model').sort(
      (a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
    );
    const toolSpan = onlySpan(all, 'execute_tool weather');
    expect(parentId(agent)).toBe(root.spanContext().spanId);
    for (const child of [first, second, toolSpan])
      expect(parentId(child as ReadableSpan)).toBe(agent.spanContext().spanId);
    // The tool's own traced function runs with the TOOL span active.
    expect(parentId(onlySpan(all, 'lookupWeather'))).toBe(toolSpan.spanContext().spanId);

    expect(agent.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'AGENT',
      [ATTR.GEN_AI_OPERATION_NAME]: 'invoke_agent',
      [ATTR.GEN_AI_REQUEST_MODEL]: 'fake-model',
    });
    expect(jsonAttr(agent, ATTR.OUTPUTS)).toBe('It is 21°C in Paris.');
    expect(first?.kind).toBe(2); // CLIENT
    expect(first?.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'LLM',
      [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR.GEN_AI_PROVIDER_NAME]: 'fake',
      [ATTR.GEN_AI_REQUEST_MODEL]: 'fake-model',
      [ATTR.GEN_AI_RESPONSE_MODEL]: 'fake-model',
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['tool_calls'],
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 30,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 7,
    });
    expect(typeof first?.attributes[ATTR.GEN_AI_RESPONSE_ID]).toBe('string');
    expect(jsonAttr(first as ReadableSpan, ATTR.GEN_AI_SYSTEM_INSTRUCTIONS)).toEqual([
      { type: 'text', content: 'You are terse.' },
    ]);
    expect(jsonAttr(first as ReadableSpan, ATTR.GEN_AI_INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
    expect(jsonAttr(first as ReadableSpan, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }],
        finish_reason: 'tool_call',
      },
    ]);
    expect(
      (jsonAttr(first as ReadableSpan, ATTR.GEN_AI_TOOL_DEFINITIONS) as { name: string }[])[0]?.name,
    ).toBe('weather');

    expect(second?.attributes).toMatchObject({
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 12,
    });
    const secondInput = jsonAttr(second as ReadableSpan, ATTR.GEN_AI_INPUT_MESSAGES) as {
      role: string;
      parts: { type: string }[];
    }[];
    expect(secondInput.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(secondInput[2]?.parts[0]).toEqual({
      type: 'tool_call_response',
      id: 'call_1',
      response: { city: 'Paris', tempC: 21 },
    });

    expect(toolSpan.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'TOOL',
      [ATTR.GEN_AI_OPERATION_NAME]: 'execute_tool',
      [ATTR.GEN_AI_TOOL_NAME]: 'weather',
      [ATTR.GEN_AI_TOOL_CALL_ID]: 'call_1',
      [ATTR.GEN_AI_TOOL_TYPE]: 'function',
      [ATTR.GEN_AI_TOOL_DESCRIPTION]: 'Current weather for a city',
    });
    expect(jsonAttr(toolSpan, ATTR.INPUTS)).toEqual({ city: 'Paris' });
    expect(jsonAttr(toolSpan, ATTR.OUTPUTS)).toEqual({ city: 'Paris', tempC: 21 });
  });

  it('nests a generation started inside a tool under that TOOL span', async () => {
    server.enqueue(
      { toolCalls: [{ id: 'call_2', name: 'summarize', arguments: { text: 'long text' } }] },
      { text: 'short' },
      { text: 'Done: short' },
    );
    const integrations = glassboxTelemetry();
    const summarize = tool({
      inputSchema: z.object({ text: z.string() }),
      execute: async ({ text }) =>
        (await generateText({ model: provider('inner-model'), prompt: text, telemetry: { integrations } }))
          .text,
    });
    await generateText({
      model: provider('fake-model'),
      prompt: 'go',
      tools: { summarize },
      stopWhen: stepCountIs(3),
      telemetry: { integrations },
    });
    const all = await spans();
    const toolSpan = onlySpan(all, 'execute_tool summarize');
    const inner = all.find(
      (s) => s.name === 'ai.generateText' && parentId(s) === toolSpan.spanContext().spanId,
    );
    expect(inner, 'inner generation under the tool span').toBeDefined();
    expect(parentId(onlySpan(all, 'chat inner-model'))).toBe(inner?.spanContext().spanId);
  });

  it('streams: time to first chunk on the LLM span, the call span marked completed', async () => {
    server.enqueue({ text: 'one two three four', chunkDelayMs: 5, latencyMs: 20 });
    const result = streamText({
      model: provider('fake-model'),
      prompt: 'count',
      telemetry: { integrations: glassboxTelemetry() },
    });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('one two three four');

    await until(async () => (await spans()).some((s) => s.name === 'ai.streamText'));
    const all = await spans();
    const call = onlySpan(all, 'ai.streamText');
    const llm = onlySpan(all, 'chat fake-model');
    expect(call.attributes).toMatchObject({ [ATTR.SPAN_TYPE]: 'CHAIN', [ATTR.STREAM_END]: 'completed' });
    expect(llm.attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS] as number).toBeGreaterThanOrEqual(15);
    expect(jsonAttr(llm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'one two three four' }], finish_reason: 'stop' },
    ]);
  });

  it('ends the spans of a stream the consumer stops reading, as abandoned, at its last event', async () => {
    server.enqueue({ text: 'one two three four five six', chunkDelayMs: 5 });
    const result = streamText({
      model: provider('fake-model'),
      prompt: 'count',
      telemetry: { integrations: glassboxTelemetry({ abandonAfterMs: 400 }) },
    });
    for await (const _ of result.textStream) break;

    await until(async () => (await spans()).some((s) => s.name === 'ai.streamText'));
    const all = await spans();
    const call = onlySpan(all, 'ai.streamText');
    const llm = onlySpan(all, 'chat fake-model');
    expect(call.attributes[ATTR.STREAM_END]).toBe('abandoned');
    expect(parentId(llm)).toBe(call.spanContext().spanId);
    // Ended at its last event (the model call's end, still reported), not when the sweep noticed.
    const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
    expect(Math.abs(ms(call.endTime) - ms(llm.endTime))).toBeLessThan(2);
    expect(llm.attributes[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
  });

  it('records an abort as aborted, without an error status', async () => {
    server.enqueue({ text: 'one two three four five six seven', chunkDelayMs: 20 });
    const abort = new AbortController();
    const result = streamText({
      model: provider('fake-model'),
      prompt: 'count',
      abortSignal: abort.signal,
      telemetry: { integrations: glassboxTelemetry() },
    });
    for await (const _ of result.textStream) abort.abort();

    await until(async () => (await spans()).some((s) => s.name === 'ai.streamText'));
    const all = await spans();
    expect(onlySpan(all, 'ai.streamText').attributes[ATTR.STREAM_END]).toBe('aborted');
    expect(onlySpan(all, 'ai.streamText').status.code).not.toBe(2);
    expect(onlySpan(all, 'chat fake-model').attributes[ATTR.STREAM_END]).toBe('aborted');
  });

  it('traces structured output (Output.object and the deprecated generateObject) with a zod schema', async () => {
    const schema = z.object({ name: z.string(), age: z.number() });
    server.enqueue({ text: '{"name":"Ada","age":36}' }, { text: '{"name":"Alan","age":41}' });
    const integrations = glassboxTelemetry();
    const viaOutput = await generateText({
      model: provider('fake-model'),
      prompt: 'a person',
      output: Output.object({ schema }),
      telemetry: { integrations },
    });
    const viaObject = await generateObject({
      model: provider('fake-model'),
      prompt: 'a person',
      schema,
      telemetry: { integrations },
    });
    expect([viaOutput.output, viaObject.object]).toEqual([
      { name: 'Ada', age: 36 },
      { name: 'Alan', age: 41 },
    ]);

    const all = await spans();
    const text = onlySpan(all, 'ai.generateText');
    const object = onlySpan(all, 'ai.generateObject');
    expect(text.attributes).toMatchObject({ [ATTR.SPAN_TYPE]: 'CHAIN', [ATTR.GEN_AI_OUTPUT_TYPE]: 'json' });
    expect(object.attributes).toMatchObject({ [ATTR.SPAN_TYPE]: 'CHAIN', [ATTR.GEN_AI_OUTPUT_TYPE]: 'json' });
    expect(jsonAttr(object, ATTR.OUTPUTS)).toEqual({ name: 'Alan', age: 41 });
    const objectLlm = all.find(
      (s) => s.name === 'chat fake-model' && parentId(s) === object.spanContext().spanId,
    ) as ReadableSpan;
    expect(objectLlm.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'LLM',
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: ['stop'],
    });
    expect(objectLlm.attributes[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]).toBeGreaterThan(0);
    expect(jsonAttr(objectLlm, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: '{"name":"Alan","age":41}' }],
        finish_reason: 'stop',
      },
    ]);
  });

  it('marks a failed call and its model call ERROR', async () => {
    server.enqueue({ error: { status: 400, message: 'bad request' } });
    await expect(
      generateText({
        model: provider('fake-model'),
        prompt: 'x',
        maxRetries: 0,
        telemetry: { integrations: glassboxTelemetry() },
      }),
    ).rejects.toThrow('bad request');
    const all = await spans();
    for (const name of ['ai.generateText', 'chat fake-model']) {
      expect(onlySpan(all, name).status.code).toBe(2);
      expect(onlySpan(all, name).attributes[ATTR.ERROR_TYPE]).toBeDefined();
    }
  });

  it('records an embedding call as an EMBEDDING span', async () => {
    const result = await embed({
      model: provider.embeddingModel('fake-embed'),
      value: 'hello',
      telemetry: { integrations: glassboxTelemetry() },
    });
    expect(result.embedding.length).toBeGreaterThan(0);
    const all = await spans();
    const span = onlySpan(all, 'embeddings fake-embed');
    expect(span.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'EMBEDDING',
      [ATTR.GEN_AI_OPERATION_NAME]: 'embeddings',
    });
    expect(parentId(span)).toBe(onlySpan(all, 'ai.embed').spanContext().spanId);
  });

  it('works when registered globally with registerTelemetry', async () => {
    registerTelemetry(glassboxTelemetry());
    try {
      server.enqueue({ text: 'hi' });
      await generateText({ model: provider('fake-model'), prompt: 'hello' });
      expect((await spans()).map((s) => s.name).sort()).toEqual(['ai.generateText', 'chat fake-model']);
    } finally {
      globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
    }
  });
});

describe('glassboxTelemetry types', () => {
  it('is an AI SDK 7 Telemetry integration', () => {
    expectTypeOf(glassboxTelemetry()).toExtend<Telemetry>();
  });
});
