import { expectConfigError, setupGlassbox } from '@glassbox/test-harness';
import { trace as otelTrace } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { ATTR } from '../attributes.js';
import { resolveConfig } from '../config.js';
import { init } from '../init.js';
import { withSpan } from '../with-span.js';

const { glassbox, spans } = setupGlassbox({ captureContent: false });
afterAll(() => glassbox.shutdown());

/** Expects a config error with an issue naming `option` (or its env var). */
function rejects(create: () => unknown, option: string): void {
  const error = expectConfigError(create);
  expect(error.issues.map((i) => `${i.option} ${i.envVar ?? ''}`).join('\n')).toContain(option);
}

const model = { [ATTR.GEN_AI_PROVIDER_NAME]: 'openai', [ATTR.GEN_AI_REQUEST_MODEL]: 'gpt-4o-mini' };
const used = { [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: 1_000_000, [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: 1_000_000 };

describe('cost options', () => {
  it('records cost with content capture off (cost is not content)', async () => {
    await withSpan('private agent', () => {
      const span = otelTrace.getTracer('other').startSpan('chat gpt-4o-mini', { attributes: model });
      span.setAttributes(used);
      span.end();
    });
    const all = await spans();
    const call = all.find((s) => s.name === 'chat gpt-4o-mini')!;
    // gpt-4o-mini in the bundled table: $0.15 in, $0.60 out per million tokens.
    expect(call.attributes[ATTR.GEN_AI_USAGE_COST]).toBeCloseTo(0.75, 9);
    expect(all.find((s) => s.name === 'private agent')!.attributes[ATTR.TRACE_COST_USD]).toBeCloseTo(0.75, 9);
  });

  it('validates the price table, naming prices.<key>.<field>', () => {
    rejects(
      () => resolveConfig({ prices: { 'openai/gpt-x': { inputPerMTok: -1, outputPerMTok: 1 } } }, {}),
      'prices.openai/gpt-x.inputPerMTok',
    );
    rejects(
      () => resolveConfig({ prices: { 'my-model': { inputPerMTok: 1 } } }, {}),
      'prices.my-model.outputPerMTok',
    );
    rejects(
      () => resolveConfig({ prices: { m: { inputPerMTok: 1, outputPerMTok: 1, cachedPerMTok: 1 } } }, {}),
      'prices.m.cachedPerMTok',
    );
    rejects(() => resolveConfig({ prices: true }, {}), 'prices');
    rejects(() => resolveConfig({ budget: { perTraceUsd: -1 } }, {}), 'budget.perTraceUsd');
    rejects(() => resolveConfig({ budget: { perTrace: 1 } }, {}), 'budget.perTrace');
    rejects(
      () => resolveConfig({}, { GLASSBOX_BUDGET_PER_TRACE_USD: 'ten' }),
      'GLASSBOX_BUDGET_PER_TRACE_USD',
    );
    expect(resolveConfig({}, { GLASSBOX_BUDGET_PER_TRACE_USD: '0.25' }).budget.perTraceUsd).toBe(0.25);
    expect(
      resolveConfig({ budget: { perTraceUsd: 1 } }, { GLASSBOX_BUDGET_PER_TRACE_USD: '0.25' }).budget,
    ).toEqual({
      perTraceUsd: 1,
    });
  });

  it('`prices: false` records no cost at all', async () => {
    const { InMemoryExporter } = await import('@glassbox/exporters');
    const exporter = new InMemoryExporter();
    const other = init({ exporters: [exporter], exportMode: 'immediate', logLevel: 'none', prices: false });
    try {
      const span = otelTrace.getTracer('other').startSpan('chat off', { attributes: model });
      span.setAttributes(used);
      span.end();
      await other.flush();
      const call = exporter.spans().find((s) => s.name === 'chat off')!;
      expect(call.attributes[ATTR.GEN_AI_USAGE_INPUT_TOKENS]).toBe(1_000_000);
      expect(
        Object.keys(call.attributes).filter((k) => k.includes('cost') || k.startsWith('glassbox.trace.')),
      ).toEqual([]);
    } finally {
      await other.shutdown();
    }
  });
});
