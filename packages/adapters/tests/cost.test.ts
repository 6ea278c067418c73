// Cost of real LLM calls through the adapters (issue 17): the fake model server reports usage with cached
// and reasoning tokens the way each provider's API does, and the core span processor prices the spans.
import Anthropic from '@anthropic-ai/sdk';
import { traceAnthropic } from '@glassbox/adapters/anthropic';
import { traceOpenAI } from '@glassbox/adapters/openai';
import { ATTR, withSpan } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import { useFakeLlm } from '@glassbox/test-harness/fake-llm';
import OpenAI from 'openai';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const { exporter, glassbox, span } = setupGlassbox({
  prices: { 'openai/house-gpt': { inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 1 } },
});
const server = useFakeLlm();
beforeEach(() => exporter.reset());
afterAll(() => glassbox.shutdown());

const openai = () =>
  traceOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: server.openaiBaseURL, maxRetries: 0 }));
const anthropic = () =>
  traceAnthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.anthropicBaseURL, maxRetries: 0 }));
const ask = [{ role: 'user' as const, content: 'hi' }];

describe('cost of adapter spans', () => {
  it('openai: input_tokens already includes the cached tokens; they are charged at the cache-read rate', async () => {
    server.enqueue({
      text: 'hello',
      usage: {
        inputTokens: 1_000_000,
        cachedInputTokens: 400_000,
        outputTokens: 100_000,
        reasoningTokens: 20_000,
      },
    });
    await withSpan('turn', () => openai().chat.completions.create({ model: 'gpt-4o-mini', messages: ask }));
    const llm = await span('chat gpt-4o-mini');
    // gpt-4o-mini (bundled genai-prices): $0.15 input, $0.075 cached input, $0.60 output per million.
    expect(llm.attributes[ATTR.COST_INPUT_USD]).toBeCloseTo(0.09, 9);
    expect(llm.attributes[ATTR.COST_CACHE_READ_USD]).toBeCloseTo(0.03, 9);
    expect(llm.attributes[ATTR.COST_OUTPUT_USD]).toBeCloseTo(0.06, 9);
    expect(llm.attributes[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(0.18, 9);
    expect(llm.attributes[ATTR.COST_PRICE_SOURCE]).toBe('genai-prices');
    const root = await span('turn');
    expect(root.attributes[ATTR.TRACE_COST_USD]).toBeCloseTo(0.18, 9);
    expect(root.attributes[ATTR.TRACE_INPUT_TOKENS]).toBe(1_000_000);
    expect(root.attributes[ATTR.TRACE_OUTPUT_TOKENS]).toBe(100_000);
  });

  it('anthropic: input_tokens excludes cache reads and writes; each is charged once at its own rate', async () => {
    server.enqueue({
      text: 'hello',
      usage: {
        inputTokens: 100_000,
        cachedInputTokens: 400_000,
        cacheCreationInputTokens: 50_000,
        outputTokens: 10_000,
      },
    });
    await anthropic().messages.create({ model: 'claude-3-5-haiku-20241022', max_tokens: 100, messages: ask });
    const llm = await span('chat claude-3-5-haiku-20241022');
    // Claude Haiku 3.5: $0.80 input, $0.08 cache read, $1 cache write, $4 output per million.
    expect(llm.attributes[ATTR.COST_INPUT_USD]).toBeCloseTo(0.08, 9);
    expect(llm.attributes[ATTR.COST_CACHE_READ_USD]).toBeCloseTo(0.032, 9);
    expect(llm.attributes[ATTR.COST_CACHE_WRITE_USD]).toBeCloseTo(0.05, 9);
    expect(llm.attributes[ATTR.COST_OUTPUT_USD]).toBeCloseTo(0.04, 9);
    expect(llm.attributes[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(0.202, 9);
    expect(llm.attributes[ATTR.TRACE_INPUT_TOKENS]).toBe(550_000);
  });

  it("the user's table wins over the bundled one", async () => {
    server.enqueue({
      text: 'x',
      usage: { inputTokens: 1_000_000, cachedInputTokens: 500_000, outputTokens: 1_000_000 },
    });
    await openai().chat.completions.create({ model: 'house-gpt', messages: ask });
    const llm = await span('chat house-gpt');
    expect(llm.attributes[ATTR.COST_PRICE_SOURCE]).toBe('user');
    expect(llm.attributes[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(1 + 0.5 + 8, 9);
  });

  it('a root that ends before its streamed call still gets the trace total', async () => {
    server.enqueue({
      text: 'one two three',
      chunkDelayMs: 2,
      usage: { inputTokens: 2000, outputTokens: 1000 },
    });
    const stream = await withSpan('turn', () =>
      openai().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: ask,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    for await (const _ of stream) {
      // drained after the root span ended
    }
    const root = await span('turn');
    expect(root.attributes[ATTR.TRACE_INPUT_TOKENS]).toBe(2000);
    expect(root.attributes[ATTR.TRACE_COST_USD]).toBeCloseTo((2000 * 0.15 + 1000 * 0.6) / 1e6, 12);
  });
});
