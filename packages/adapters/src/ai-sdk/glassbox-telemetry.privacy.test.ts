import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ATTR, trace } from '@glassbox/core';
import { jsonAttr, onlySpan, setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { generateText, stepCountIs, tool } from 'ai';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  });
});
beforeEach(() => exporter.reset());

const weather = tool({
  description: 'Current weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: trace(async function lookupWeather({ city }: { city: string }) {
    return { city, tempC: 21 };
  }),
});

describe('glassboxTelemetry privacy', () => {
  it('keeps messages, inputs, outputs and tool arguments in the process when capture is off', async () => {
    server.enqueue(
      { toolCalls: [{ id: 'call_9', name: 'weather', arguments: { city: 'Oslo' } }] },
      { text: 'Cold.' },
    );
    await generateText({
      model: provider('fake-model'),
      prompt: 'Weather in Oslo?',
      tools: { weather },
      stopWhen: stepCountIs(3),
      telemetry: { integrations: glassboxTelemetry({ captureContent: false }) },
    });
    const all = await spans();
    const content = [
      ATTR.INPUTS,
      ATTR.OUTPUTS,
      ATTR.GEN_AI_INPUT_MESSAGES,
      ATTR.GEN_AI_OUTPUT_MESSAGES,
      ATTR.GEN_AI_SYSTEM_INSTRUCTIONS,
      ATTR.GEN_AI_TOOL_DEFINITIONS,
    ];
    for (const span of all.filter((s) => s.name !== 'lookupWeather'))
      for (const key of content) expect(span.attributes[key], `${span.name} ${key}`).toBeUndefined();
    expect(
      all.find((s) => s.name === 'chat fake-model')?.attributes[ATTR.GEN_AI_USAGE_INPUT_TOKENS],
    ).toBeGreaterThan(0);
    expect(onlySpan(all, 'execute_tool weather').attributes[ATTR.GEN_AI_TOOL_CALL_ID]).toBe('call_9');
  });

  it("honours the AI SDK's recordInputs / recordOutputs", async () => {
    server.enqueue({ text: 'secret answer' });
    await generateText({
      model: provider('fake-model'),
      prompt: 'secret question',
      telemetry: { integrations: glassboxTelemetry(), recordInputs: false },
    });
    const all = await spans();
    expect(onlySpan(all, 'ai.generateText').attributes[ATTR.INPUTS]).toBeUndefined();
    expect(onlySpan(all, 'chat fake-model').attributes[ATTR.GEN_AI_INPUT_MESSAGES]).toBeUndefined();
    expect(jsonAttr(onlySpan(all, 'ai.generateText'), ATTR.OUTPUTS)).toBe('secret answer');
  });

  it('redacts secrets in captured messages', async () => {
    server.enqueue({ text: 'ok' });
    await generateText({
      model: provider('fake-model'),
      prompt: 'my key is sk-abcdefghijklmnopqrstuvwxyz012345',
      telemetry: { integrations: glassboxTelemetry() },
    });
    const input = (await spans()).find((s) => s.name === 'chat fake-model')?.attributes[
      ATTR.GEN_AI_INPUT_MESSAGES
    ] as string;
    expect(input).not.toContain('sk-abcdefghijklmnopqrstuvwxyz012345');
  });
});
