import { glassboxWarnings, setupGlassbox } from '@glassbox/test-harness';
import { type Attributes, context, trace as otelTrace } from '@opentelemetry/api';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ATTR } from '../attributes.js';
import { withRemoteParent } from '../context.js';
import { logFeedback } from '../feedback.js';
import { DiagnosticLogger } from '../logger.js';
import { trace } from '../trace.js';
import { withSpan } from '../with-span.js';
import { genaiPrices } from './bundled-prices.js';
import { costFromLibrary, usageOf } from './span-cost.js';
import { BUDGET_SUMMARY_EVERY, TraceCost } from './trace-cost.js';

const PRICES = {
  'openai/gpt-4o-mini': { inputPerMTok: 1, outputPerMTok: 2, cacheReadPerMTok: 0.5 },
  'house-model': { inputPerMTok: 10, outputPerMTok: 20, cacheWritePerMTok: 12.5, reasoningPerMTok: 40 },
};
const { exporter, glassbox, spans } = setupGlassbox({
  prices: PRICES,
  budget: { perTraceUsd: 1000 },
  logLevel: 'warn',
});
afterAll(() => glassbox.shutdown());
beforeEach(() => exporter.reset());

// Another library's LLM span (OpenLLMetry, OpenInference, an app's own): GenAI attributes only.
const foreign = otelTrace.getTracer('some-llm-instrumentation');
function foreignCall(name: string, attributes: Attributes, endAttributes: Attributes = {}): void {
  const span = foreign.startSpan(name, { attributes });
  span.setAttributes(endAttributes);
  span.end();
}
const usage = (input: number, output: number, extra: Attributes = {}): Attributes => ({
  [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: input,
  [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: output,
  ...extra,
});
const byName = async (name: string) => {
  const found = (await spans()).find((s) => s.name === name);
  if (found === undefined) throw new Error(`no span ${name}`);
  return found.attributes;
};

describe('cost of a foreign gen_ai span', () => {
  it('prices it from the bundled table (genai-prices), cache reads at their own rate', async () => {
    foreignCall(
      'chat claude-3-5-haiku',
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'anthropic', [ATTR.GEN_AI_REQUEST_MODEL]: 'claude-3-5-haiku-latest' },
      usage(1_500_000, 1_000_000, { [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1_000_000 }),
    );
    const a = await byName('chat claude-3-5-haiku');
    // Claude Haiku 3.5: input $0.8, cache read $0.08, output $4 per million tokens.
    expect(a[ATTR.COST_INPUT_USD]).toBeCloseTo(0.4, 9);
    expect(a[ATTR.COST_CACHE_READ_USD]).toBeCloseTo(0.08, 9);
    expect(a[ATTR.COST_OUTPUT_USD]).toBeCloseTo(4, 9);
    expect(a[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(4.48, 9);
    expect(a[ATTR.COST_PRICE_SOURCE]).toBe('genai-prices');
    // A span that is its own trace's root also carries the trace's totals.
    expect(a[ATTR.TRACE_COST_USD]).toBeCloseTo(4.48, 9);
    expect(a[ATTR.TRACE_INPUT_TOKENS]).toBe(1_500_000);
  });

  it("adds the cache counts when an instrumentation copied Anthropic's own (cache-exclusive) input count", async () => {
    foreignCall(
      'chat raw',
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'anthropic', [ATTR.GEN_AI_REQUEST_MODEL]: 'claude-3-5-haiku-latest' },
      usage(500_000, 0, { [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1_000_000 }),
    );
    const a = await byName('chat raw');
    expect(a[ATTR.COST_INPUT_USD]).toBeCloseTo(0.4, 9);
    expect(a[ATTR.COST_CACHE_READ_USD]).toBeCloseTo(0.08, 9);
    expect(a[ATTR.TRACE_INPUT_TOKENS]).toBe(1_500_000);
  });

  it('lets the user table win, by provider/model, and by model for any provider', async () => {
    foreignCall(
      'chat mini',
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'openai', [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' },
      usage(2_000_000, 1_000_000, { [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 1_000_000 }),
    );
    foreignCall(
      'chat house',
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'self-hosted', [ATTR.GEN_AI_REQUEST_MODEL]: 'house-model' },
      usage(1_000_000, 1_000_000, {
        [ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 400_000,
        [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 250_000,
      }),
    );
    const mini = await byName('chat mini');
    expect(mini[ATTR.COST_PRICE_SOURCE]).toBe('user');
    expect(mini[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(1 + 0.5 + 2, 9);
    const house = await byName('chat house');
    expect(house[ATTR.COST_PRICE_SOURCE]).toBe('user');
    expect(house[ATTR.COST_INPUT_USD]).toBeCloseTo(6, 9);
    expect(house[ATTR.COST_CACHE_WRITE_USD]).toBeCloseTo(5, 9);
    expect(house[ATTR.COST_OUTPUT_USD]).toBeCloseTo(0.75 * 20 + 0.25 * 40, 9);
    // Reasoning is the output's share, not added to the total again.
    expect(house[ATTR.COST_REASONING_USD]).toBeCloseTo(0.25 * 40, 9);
    expect(house[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(6 + 5 + 25, 9);
    expect(mini[ATTR.COST_REASONING_USD]).toBeUndefined();
  });

  it('prices 1-hour cache writes at their own price (bundled table and user table)', async () => {
    const writes = usage(1_000_000, 0, {
      [ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 1_000_000,
      [ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS]: 400_000,
    });
    foreignCall(
      'chat 1h',
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'anthropic', [ATTR.GEN_AI_REQUEST_MODEL]: 'claude-3-5-haiku-latest' },
      writes,
    );
    foreignCall(
      'chat 1h house',
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'self-hosted', [ATTR.GEN_AI_REQUEST_MODEL]: 'house-model' },
      writes,
    );
    // Claude Haiku 3.5: 5-minute writes $1, 1-hour writes $1.6 per million tokens.
    expect((await byName('chat 1h'))[ATTR.COST_CACHE_WRITE_USD]).toBeCloseTo(0.6 + 0.4 * 1.6, 9);
    // house-model has no 1-hour price: every write at its cache write price.
    expect((await byName('chat 1h house'))[ATTR.COST_CACHE_WRITE_USD]).toBeCloseTo(12.5, 9);
  });

  it('prices reasoning from the bundled table as a share of the output', async () => {
    foreignCall(
      'chat reasoning',
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'anthropic', [ATTR.GEN_AI_REQUEST_MODEL]: 'claude-3-5-haiku-latest' },
      usage(0, 1_000_000, { [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 250_000 }),
    );
    const a = await byName('chat reasoning');
    expect(a[ATTR.COST_OUTPUT_USD]).toBeCloseTo(4, 9);
    expect(a[ATTR.COST_REASONING_USD]).toBeCloseTo(1, 9);
    expect(a[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(4, 9);
  });

  it('records no cost for an unknown model, and says so once per model', async () => {
    const warnings = await glassboxWarnings(async () => {
      for (let i = 0; i < 3; i++) {
        foreignCall(
          'chat unknown',
          { [ATTR.GEN_AI_PROVIDER_NAME]: 'openai', [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-unreleased-9' },
          usage(10, 5),
        );
      }
      await spans();
    });
    const a = await byName('chat unknown');
    expect(a[ATTR.GEN_AI_USAGE_COST]).toBeUndefined();
    expect(a[ATTR.COST_PRICE_SOURCE]).toBeUndefined();
    expect(a[ATTR.TRACE_INPUT_TOKENS]).toBe(10);
    expect(a[ATTR.TRACE_COST_USD]).toBeUndefined();
    expect(warnings.filter((w) => w.includes('gpt-unreleased-9'))).toHaveLength(1);
    expect(warnings[0]).toContain("init({ prices: { 'openai/gpt-unreleased-9'");
  });

  it('adds nothing to a span without usage', async () => {
    await trace(() => 1, { name: 'plain' })();
    const a = await byName('plain');
    expect(Object.keys(a).filter((k) => k.includes('cost') || k.startsWith('glassbox.trace.'))).toEqual([]);
  });
});

describe('trace totals on the root span', () => {
  const llm = (name: string, input: number, output: number) =>
    foreignCall(
      name,
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'openai', [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' },
      usage(input, output),
    );

  it('sums the calls of a trace as they end', async () => {
    await withSpan('agent', async () => {
      llm('step 1', 1000, 100);
      await withSpan('inner', async () => llm('step 2', 2000, 200));
    });
    const root = await byName('agent');
    expect(root[ATTR.TRACE_INPUT_TOKENS]).toBe(3000);
    expect(root[ATTR.TRACE_OUTPUT_TOKENS]).toBe(300);
    expect(root[ATTR.TRACE_COST_USD]).toBeCloseTo((3000 * 1 + 300 * 2) / 1e6, 12);
    expect(root[ATTR.TRACE_OVER_BUDGET]).toBeUndefined();
    expect(root[ATTR.TRACE_BUDGET_USD]).toBe(1000);
    expect((await byName('inner'))[ATTR.TRACE_COST_USD]).toBeUndefined();
  });

  it('holds a root that ends before its calls, and exports it with the full total', async () => {
    let finish!: () => void;
    const streamed = new Promise<void>((resolve) => (finish = resolve));
    withSpan('fire and forget', (root) => {
      // A model span started under the root, still streaming when the root ends.
      const ctx = otelTrace.setSpan(context.active(), root.otelSpan);
      const call = foreign.startSpan(
        'chat streaming',
        { attributes: { [ATTR.GEN_AI_PROVIDER_NAME]: 'openai', [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' } },
        ctx,
      );
      llm('quick call', 1000, 0);
      void streamed.then(() => {
        call.setAttributes(usage(4000, 1000));
        call.end();
      });
    });
    // Exports are in end order: once a span ended after the root is exported, the root would have been.
    await trace(() => 0, { name: 'marker' })();
    await until(() => exporter.spans().some((s) => s.name === 'marker'));
    expect(exporter.spans().map((s) => s.name)).not.toContain('fire and forget');
    finish();
    await streamed;
    const root = await byName('fire and forget');
    expect(root[ATTR.TRACE_INPUT_TOKENS]).toBe(5000);
    expect(root[ATTR.TRACE_COST_USD]).toBeCloseTo((5000 + 2000) / 1e6, 12);
  });

  it('flags a trace over its budget on the root, with one warning', async () => {
    const warnings = await glassboxWarnings(async () => {
      await withSpan('expensive', async () => {
        llm('big 1', 400_000_000, 0);
        llm('big 2', 400_000_000, 0);
        llm('big 3', 400_000_000, 0);
      });
      await spans();
    });
    const root = await byName('expensive');
    expect(root[ATTR.TRACE_COST_USD]).toBeCloseTo(1200, 9);
    expect(root[ATTR.TRACE_OVER_BUDGET]).toBe(true);
    expect(root[ATTR.TRACE_BUDGET_USD]).toBe(1000);
    expect(warnings.filter((w) => w.includes('budget'))).toHaveLength(1);
  });

  // house-model: $10 per million input tokens.
  const priced = (name: string, usd: number) =>
    foreignCall(
      name,
      { [ATTR.GEN_AI_PROVIDER_NAME]: 'self-hosted', [ATTR.GEN_AI_REQUEST_MODEL]: 'house-model' },
      usage(usd * 100_000, 0),
    );
  const feedbackOn = (root: { traceId: string; spanId: string }, name: string) =>
    logFeedback({ traceId: root.traceId, spanId: root.spanId, name, value: true, source: 'code' });

  it('keeps the totals on the root when feedback is logged on it while it is open', async () => {
    await withSpan('judged', async (root) => {
      priced('llm 1', 3);
      feedbackOn(root, 'thumbs');
      priced('llm 2', 30);
    });
    const root = await byName('judged');
    expect(root[ATTR.TRACE_COST_USD]).toBeCloseTo(33, 9);
    expect(root[ATTR.TRACE_INPUT_TOKENS]).toBe(3_300_000);
    const feedback = await byName('feedback thumbs');
    expect(feedback[ATTR.TRACE_COST_USD]).toBeUndefined();
    expect(feedback[ATTR.TRACE_INPUT_TOKENS]).toBeUndefined();
  });

  it('sums an evaluate()-like example on its root: task, feedback on the root, judge calls', async () => {
    await withSpan('example', async (root) => {
      await withSpan('task', async () => priced('task call', 2));
      feedbackOn(root, 'early');
      await withSpan('judge', async () => priced('judge call', 5));
      feedbackOn(root, 'correctness');
      feedbackOn(root, 'tone');
    });
    expect((await byName('example'))[ATTR.TRACE_COST_USD]).toBeCloseTo(7, 9);
    for (const name of ['feedback early', 'feedback correctness', 'feedback tone', 'task', 'judge'])
      expect((await byName(name))[ATTR.TRACE_COST_USD], name).toBeUndefined();
  });

  it('keeps the totals on the client of an in-process server parented through headers', async () => {
    await withSpan('mcp client', async (client) => {
      const traceparent = `00-${client.traceId}-${client.spanId}-01`;
      await withRemoteParent({ traceparent }, () =>
        withSpan('mcp server', async () => priced('tool llm', 4)),
      );
    });
    expect((await byName('mcp client'))[ATTR.TRACE_COST_USD]).toBeCloseTo(4, 9);
    expect((await byName('mcp server'))[ATTR.TRACE_COST_USD]).toBeUndefined();
  });

  it('gives a span under a real remote parent (another process) its own local totals', async () => {
    const traceparent = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    await withRemoteParent({ traceparent }, () =>
      withSpan('handler', async () => {
        priced('handler llm 1', 1);
        priced('handler llm 2', 2);
      }),
    );
    const handler = (await spans()).find((s) => s.name === 'handler');
    expect(handler?.spanContext().traceId).toBe('ab'.repeat(16));
    expect(handler?.parentSpanContext?.isRemote).toBe(true);
    expect(handler?.attributes[ATTR.TRACE_COST_USD]).toBeCloseTo(3, 9);
  });

  it('does not count twice a span that wraps a call already counted', async () => {
    await withSpan('app', () => {
      const wrapper = foreign.startSpan('ai.generateText', {
        attributes: { [ATTR.GEN_AI_PROVIDER_NAME]: 'openai', [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' },
      });
      context.with(otelTrace.setSpan(context.active(), wrapper), () => llm('doGenerate', 1000, 100));
      wrapper.setAttributes(usage(1000, 100));
      wrapper.end();
    });
    expect((await byName('app'))[ATTR.TRACE_INPUT_TOKENS]).toBe(1000);
    expect((await byName('ai.generateText'))[ATTR.GEN_AI_USAGE_COST]).toBeUndefined();
    expect((await byName('doGenerate'))[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(1200 / 1e6, 12);
  });
});

describe('TraceCost under a provider that never calls onEnding (SDK 1.x)', () => {
  it('still releases a held root when its model span ends, and forgets the trace', () => {
    const released: unknown[] = [];
    const cost = new TraceCost(
      { table: new Map(), bundled: false, budgetUsd: undefined },
      new DiagnosticLogger('none'),
      (view) => released.push(view),
    );
    const fake = (spanId: string, parent?: string, attributes: Attributes = {}) =>
      ({
        attributes,
        spanContext: () => ({ traceId: 'a'.repeat(32), spanId }),
        parentSpanContext: parent === undefined ? undefined : { spanId: parent, isRemote: false },
      }) as never;
    const root = fake('1111111111111111');
    const call = fake('2222222222222222', '1111111111111111', { [ATTR.GEN_AI_REQUEST_MODEL]: 'm' });
    cost.onStart(root);
    cost.onStart(call);
    expect(cost.onEnd(root)).toBe(true);
    expect(cost.held).toBe(1);
    expect(cost.onEnd(call)).toBe(false);
    expect(released).toHaveLength(1);
    expect(cost.held).toBe(0);
    // The trace is forgotten: a later root of another trace is not held.
    expect(cost.onEnd(fake('3333333333333333'))).toBe(false);
  });
});

describe('budget warnings', () => {
  it('warn once, then a summary every BUDGET_SUMMARY_EVERY traces, leaving other one-time warnings alone', () => {
    const lines: string[] = [];
    const logger = new DiagnosticLogger('warn', (_level, message) => lines.push(message));
    const cost = new TraceCost(
      { table: new Map([['m', { inputPerMTok: 1e6, outputPerMTok: 0 }]]), bundled: false, budgetUsd: 1 },
      logger,
      () => undefined,
    );
    logger.once('warn', 'another problem', 'other');
    const traces = 2 * BUDGET_SUMMARY_EVERY + 5;
    for (let i = 0; i < traces; i++) {
      const span = {
        attributes: { [ATTR.GEN_AI_REQUEST_MODEL]: 'm', ...usage(2, 0) },
        spanContext: () => ({ traceId: i.toString(16).padStart(32, '0'), spanId: '1'.repeat(16) }),
        parentSpanContext: undefined,
        setAttribute: () => undefined,
        setAttributes: () => undefined,
      } as never;
      cost.onStart(span);
      cost.onEnding(span);
      expect(cost.onEnd(span)).toBe(false);
    }
    logger.once('warn', 'another problem', 'other');
    expect(lines.filter((l) => l === 'another problem')).toHaveLength(1);
    const budget = lines.filter((l) => l.includes('budget'));
    expect(budget).toHaveLength(3);
    expect(budget[0]).toContain('over its budget of $1');
    expect(budget[2]).toContain(`${2 * BUDGET_SUMMARY_EVERY} traces so far`);
  });
});

describe('costFromLibrary', () => {
  it('agrees with genai-prices calcPrice on every bundled model', () => {
    const lib = genaiPrices(new DiagnosticLogger('none')) as any;
    const probe = lib.calcPrice({ input_tokens: 1 }, 'gpt-4o-mini', { providerId: 'openai' });
    expect(probe).not.toBeNull();
    const providers = [
      'openai',
      'anthropic',
      'google',
      'aws',
      'mistral',
      'deepseek',
      'x-ai',
      'groq',
      'cohere',
    ];
    let checked = 0;
    for (const id of providers) {
      const provider = lib.findProvider({ providerId: id });
      for (const model of provider.models) {
        if (Array.isArray(model.prices)) continue;
        const attrs = usage(300_000, 20_000, {
          [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: 100_000,
          [ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: 50_000,
          [ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS]: 20_000,
          [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: 5_000,
        });
        const u = usageOf(attrs)!;
        const theirs = lib.calcPrice(
          {
            input_tokens: u.input,
            cache_read_tokens: u.cacheRead,
            cache_write_tokens: u.cacheWrite,
            cache_write_1h_tokens: u.cacheWrite1h,
            output_tokens: u.output,
            output_reasoning_tokens: u.reasoning,
          },
          model.id,
          { provider: { ...provider, models: [model] } },
        );
        if (theirs === null) continue; // an id its own match rule does not take (aliases)
        const ours = costFromLibrary(u, theirs.model_price);
        expect(ours.total, `${id}/${model.id}`).toBeCloseTo(theirs.total_price, 9);
        expect(ours.output, `${id}/${model.id}`).toBeCloseTo(theirs.output_price, 9);
        expect(ours.reasoning, `${id}/${model.id}`).toBeLessThanOrEqual(ours.output);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(done()).toBe(true);
}
