import { ATTR, createSpanProcessor } from '@glassbox/core';
import { InMemoryExporter } from '@glassbox/exporters';
import { resetOtelGlobals } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import { trace as otelTrace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { exportedText } from '../internal/llm/testing.js';
import { traceOpenAI } from './index.js';

// An app's own OpenTelemetry provider with a Glassbox processor of its own rules, and no init(): the
// processor's rules, not the process-wide defaults (content on), decide what its spans record.
const exporter = new InMemoryExporter();
const provider = new BasicTracerProvider({
  spanProcessors: [
    createSpanProcessor({
      captureContent: false,
      exporters: [exporter],
      exportMode: 'immediate',
      logLevel: 'none',
    }),
  ],
});
otelTrace.setGlobalTracerProvider(provider);
afterAll(async () => {
  await provider.shutdown();
  resetOtelGlobals();
});

const server = useFakeLlm();

describe('traceOpenAI under an app-owned provider', () => {
  it("records no prompt or completion when the provider's Glassbox processor has captureContent: false", async () => {
    server.enqueue({ text: 'The secret plan is ready.', usage: { inputTokens: 9, outputTokens: 6 } });
    const openai = traceOpenAI(
      new OpenAI({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 }),
    );
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'You keep secrets.' },
        { role: 'user', content: 'What is the secret plan?' },
      ],
    });
    expect(completion.choices[0]?.message.content).toBe('The secret plan is ready.');
    await provider.forceFlush();

    const [llm, ...others] = exporter.spans();
    expect(others).toEqual([]);
    // The call is traced (request, response, usage)...
    expect(llm?.name).toBe('chat gpt-4o');
    expect(llm?.attributes).toMatchObject({
      [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o',
      [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 9,
      [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 6,
    });
    // ...but nothing of what was said.
    for (const key of [
      ATTR.GEN_AI_INPUT_MESSAGES,
      ATTR.GEN_AI_OUTPUT_MESSAGES,
      ATTR.GEN_AI_SYSTEM_INSTRUCTIONS,
    ])
      expect(llm?.attributes[key]).toBeUndefined();
    expect(exportedText(exporter.spans())).not.toMatch(/secret/i);
  });
});
