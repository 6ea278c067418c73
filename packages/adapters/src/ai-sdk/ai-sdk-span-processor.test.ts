import { ATTR, trace } from '@glassbox/core';
import { jsonAttr, onlySpan, parentId, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span,
} from '@opentelemetry/sdk-trace-base';
import { createOpenAICompatible } from 'ai-sdk-openai-compatible-v6';
import { generateObject, generateText, stepCountIs, streamText, tool } from 'ai-v6';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aiSdkSpanProcessor } from './ai-sdk-span-processor.js';

// A user's own processor that set a key first: ours must leave it as it is.
const userProcessor = {
  onStart: (span: Span) => {
    if (span.attributes['ai.operationId'] === 'ai.generateText.doGenerate')
      span.setAttribute(ATTR.GEN_AI_PROVIDER_NAME, 'my-gateway');
  },
  onEnd: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

const { exporter, spans } = setupGlassbox({ spanProcessors: [userProcessor, aiSdkSpanProcessor()] });
const server = useFakeLlm();
let provider: ReturnType<typeof createOpenAICompatible>;

beforeAll(() => {
  provider = createOpenAICompatible({
    name: 'fake',
    baseURL: server.openaiBaseURL,
    apiKey: 'test-key',
    includeUsage: true,
  });
});
beforeEach(() => exporter.reset());

const telemetry = { isEnabled: true, functionId: 'bot' };

describe('aiSdkSpanProcessor (AI SDK 6 spans)', () => {
  it('types the generation, model-call and tool spans and adds gen_ai attributes, keeping existing keys', async () => {
    server.enqueue(
      {
        toolCalls: [{ id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }],
        usage: { inputTokens: 30, outputTokens: 7, cachedInputTokens: 4 },
      },
      { text: 'Sunny.', usage: { inputTokens: 50, outputTokens: 2 } },
    );
    const weather = tool({
      description: 'Weather',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => ({ city, tempC: 21 }),
    });
    const ask = trace(async function ask() {
      return (
        await generateText({
          model: provider('fake-model'),
          system: 'Be terse.',
          prompt: 'Weather in Paris?',
          tools: { weather },
          stopWhen: stepCountIs(3),
          experimental_telemetry: telemetry,
        })
      ).text;
    });
    expect(await ask()).toBe('Sunny.');

    const all = await spans();
    const root = onlySpan(all, 'ai.generateText');
    const calls = all.filter((s) => s.name === 'ai.generateText.doGenerate');
    const toolSpan = onlySpan(all, 'ai.toolCall');
    expect(parentId(root)).toBe(onlySpan(all, 'ask').spanContext().spanId);
    expect(root.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'AGENT',
      [ATTR.GEN_AI_OPERATION_NAME]: 'invoke_agent',
      'ai.telemetry.functionId': 'bot',
    });
    expect(jsonAttr(root, ATTR.OUTPUTS)).toBe('Sunny.');
    expect(calls).toHaveLength(2);
    expect(calls[0]?.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'LLM',
      [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR.GEN_AI_PROVIDER_NAME]: 'my-gateway',
      [ATTR.GEN_AI_REQUEST_MODEL]: 'fake-model',
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 30,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 7,
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 4,
      'gen_ai.system': 'fake.chat',
    });
    const first = calls[0] as ReadableSpan;
    expect(jsonAttr(first, ATTR.GEN_AI_SYSTEM_INSTRUCTIONS)).toEqual([
      { type: 'text', content: 'Be terse.' },
    ]);
    expect(jsonAttr(first, ATTR.GEN_AI_INPUT_MESSAGES)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
    ]);
    expect(jsonAttr(first, ATTR.GEN_AI_OUTPUT_MESSAGES)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }],
        finish_reason: 'tool_call',
      },
    ]);
    expect(toolSpan.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'TOOL',
      [ATTR.GEN_AI_TOOL_NAME]: 'weather',
      [ATTR.GEN_AI_TOOL_CALL_ID]: 'call_1',
    });
    expect(jsonAttr(toolSpan, ATTR.INPUTS)).toEqual({ city: 'Paris' });
    expect(jsonAttr(toolSpan, ATTR.OUTPUTS)).toEqual({ city: 'Paris', tempC: 21 });
    // The AI SDK's own attributes are all still there, unchanged.
    expect(toolSpan.attributes['ai.toolCall.args']).toBe('{"city":"Paris"}');
  });

  it('adds time to first chunk to a stream, and types a text-only call CHAIN', async () => {
    server.enqueue({ text: 'a b c', latencyMs: 15 });
    const result = streamText({
      model: provider('fake-model'),
      prompt: 'hi',
      experimental_telemetry: telemetry,
    });
    for await (const _ of result.textStream);
    const all = await spans();
    expect(onlySpan(all, 'ai.streamText').attributes[ATTR.SPAN_TYPE]).toBe('CHAIN');
    expect(
      onlySpan(all, 'ai.streamText.doStream').attributes[ATTR.LLM_TIME_TO_FIRST_TOKEN_MS] as number,
    ).toBeGreaterThanOrEqual(10);
  });

  it('maps generateObject usage (v4-style names) and output', async () => {
    server.enqueue({ text: '{"a":1}', usage: { inputTokens: 8, outputTokens: 3 } });
    await generateObject({
      model: provider('fake-model'),
      prompt: 'x',
      schema: z.object({ a: z.number() }),
      experimental_telemetry: telemetry,
    });
    const all = await spans();
    expect(onlySpan(all, 'ai.generateObject.doGenerate').attributes).toMatchObject({
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 8,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 3,
    });
    expect(jsonAttr(onlySpan(all, 'ai.generateObject'), ATTR.OUTPUTS)).toEqual({ a: 1 });
  });

  it('adds error.type to a failed call', async () => {
    server.enqueue({ error: { status: 400, message: 'nope' } });
    await expect(
      generateText({
        model: provider('fake-model'),
        prompt: 'x',
        maxRetries: 0,
        experimental_telemetry: telemetry,
      }),
    ).rejects.toThrow();
    const root = onlySpan(await spans(), 'ai.generateText');
    expect(root.status.code).toBe(2);
    expect(root.attributes[ATTR.ERROR_TYPE]).toBe('AI_APICallError');
  });

  it('works with an app-owned provider whatever the processor order (attributes land before export)', async () => {
    const memory = new InMemorySpanExporter();
    const own = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(memory), aiSdkSpanProcessor({ captureContent: false })],
    });
    server.enqueue({ text: 'hi' });
    await generateText({
      model: provider('fake-model'),
      prompt: 'x',
      experimental_telemetry: { isEnabled: true, tracer: own.getTracer('ai') },
    });
    const call = memory
      .getFinishedSpans()
      .find((s) => s.name === 'ai.generateText.doGenerate') as ReadableSpan;
    expect(call.attributes[ATTR.SPAN_TYPE]).toBe('LLM');
    expect(call.attributes[ATTR.GEN_AI_INPUT_MESSAGES]).toBeUndefined();
    expect(call.attributes['ai.prompt.messages']).toBeDefined();
  });
});
