import { ATTR } from '@glassbox/core';
import { onlySpan, setupGlassbox } from '@glassbox/test-harness';
import { trace as otelTrace } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import { usageAttributes } from './ai-sdk-attributes.js';
import { aiSdkSpanProcessor } from './ai-sdk-span-processor.js';

const { exporter, spans } = setupGlassbox({ spanProcessors: [aiSdkSpanProcessor()] });
beforeEach(() => exporter.reset());

const IN = ATTR.GEN_AI_USAGE_INPUT_TOKENS;

describe('usageAttributes: gen_ai.usage.input_tokens counts cached tokens', () => {
  it('adds the cache to the cache-exclusive count of Anthropic in v4/v5 (cachedInputTokens, provider metadata)', () => {
    const v5 = usageAttributes(
      { inputTokens: 3000, outputTokens: 10, cachedInputTokens: 1000 },
      'anthropic.messages',
      JSON.stringify({ anthropic: { cacheCreationInputTokens: 500 } }),
    );
    expect(v5).toMatchObject({
      [IN]: 4500,
      [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1000,
      [ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 500,
    });
    const v4 = usageAttributes({ promptTokens: 3000, completionTokens: 10 }, 'vertex.anthropic.messages', {
      anthropic: { cacheReadInputTokens: 1000, cacheCreationInputTokens: 0 },
    });
    expect(v4[IN]).toBe(4000);
  });

  it("keeps other providers' counts, which already include the cache", () => {
    expect(usageAttributes({ inputTokens: 4000, cachedInputTokens: 1000 }, 'openai.chat')[IN]).toBe(4000);
  });

  it('sums the v6/v7 breakdown, whatever the provider put in the total', () => {
    const details = { noCacheTokens: 3000, cacheReadTokens: 1000, cacheWriteTokens: 0 };
    expect(usageAttributes({ inputTokens: 4000, inputTokenDetails: details })[IN]).toBe(4000);
    expect(usageAttributes({ inputTokens: 3000, inputTokenDetails: details })[IN]).toBe(4000);
  });

  it("records Anthropic's 1-hour cache writes from the raw usage (v7) or the provider metadata (v5/v6)", () => {
    const raw = {
      input_tokens: 10,
      cache_creation: { ephemeral_1h_input_tokens: 300, ephemeral_5m_input_tokens: 200 },
    };
    const details = { noCacheTokens: 10, cacheReadTokens: 0, cacheWriteTokens: 500 };
    expect(
      usageAttributes({ inputTokens: 510, inputTokenDetails: details, raw })[
        ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS
      ],
    ).toBe(300);
    const fromMetadata = usageAttributes({ inputTokens: 10 }, 'anthropic.messages', {
      anthropic: { cacheCreationInputTokens: 500, usage: raw },
    });
    expect(fromMetadata).toMatchObject({ [IN]: 510, [ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS]: 300 });
    expect(usageAttributes({ inputTokens: 10 })[ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS]).toBeUndefined();
  });
});

describe('an AI SDK 5 Anthropic model call span, priced', () => {
  it('uncached 3000 + cache read 1000 → input 4000, priced as such', async () => {
    // What AI SDK 5 writes on `ai.generateText.doGenerate` with @ai-sdk/anthropic: Anthropic's own
    // input count (cache excluded), copied into gen_ai.usage.input_tokens too.
    const span = otelTrace.getTracer('ai').startSpan('ai.generateText.doGenerate', {
      attributes: {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.provider': 'anthropic.messages',
        'ai.model.id': 'claude-3-5-haiku-latest',
      },
    });
    span.setAttributes({
      'ai.usage.inputTokens': 3000,
      'ai.usage.outputTokens': 100,
      'ai.usage.cachedInputTokens': 1000,
      'gen_ai.usage.input_tokens': 3000,
      'gen_ai.usage.output_tokens': 100,
    });
    span.end();
    const a = onlySpan(await spans(), 'ai.generateText.doGenerate').attributes;
    expect(a[IN]).toBe(4000);
    expect(a[ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]).toBe(1000);
    // Claude Haiku 3.5: input $0.8, cache read $0.08, output $4 per million tokens.
    expect(a[ATTR.COST_INPUT_USD]).toBeCloseTo((3000 * 0.8) / 1e6, 12);
    expect(a[ATTR.COST_CACHE_READ_USD]).toBeCloseTo((1000 * 0.08) / 1e6, 12);
    expect(a[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo((2400 + 80 + 400) / 1e6, 12);
  });
});
