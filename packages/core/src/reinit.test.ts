import { InMemoryExporter } from '@glassbox/exporters';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { init, startSpan, trace, withSpan } from './index.js';

const handles: { shutdown(): Promise<void> }[] = [];
afterAll(async () => {
  for (const h of handles) await h.shutdown();
});

function start(options: Parameters<typeof init>[0]) {
  const h = init({ logLevel: 'none', exportMode: 'immediate', ...options });
  handles.push(h);
  return h;
}

describe('init() twice', () => {
  it('with the same exporter instance (a test suite re-initialising) keeps exporting every span', async () => {
    const exporter = new InMemoryExporter();
    start({ exporters: [exporter] });
    trace(function first() {})();
    const second = start({ exporters: [exporter] });
    trace(function afterReinit() {})();
    await second.flush();
    await new Promise((r) => setTimeout(r, 20));
    trace(function later() {})();
    await second.flush();
    expect(exporter.spans().map((s) => s.name)).toEqual(['first', 'afterReinit', 'later']);
  });

  it('an older handle shut down later never shuts down an exporter the newer installation uses', async () => {
    let shutdowns = 0;
    const seen: ReadableSpan[] = [];
    const exporter: SpanExporter = {
      export(spans, done) {
        seen.push(...spans);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => {
        shutdowns++;
      },
    };
    const old = start({ exporters: [exporter] });
    const current = start({ exporters: [exporter] });
    await old.shutdown();
    trace(function stillExported() {})();
    await current.flush();
    expect(shutdowns).toBe(0);
    expect(seen.map((s) => s.name)).toContain('stillExported');
  });

  it('a span open across re-init is exported by the new installation and counted there', async () => {
    const before = new InMemoryExporter();
    const after = new InMemoryExporter();
    start({ exporters: [before] });
    const open = startSpan({ name: 'openAcrossReinit' });
    let release!: () => void;
    const pending = withSpan('blockAcrossReinit', () => new Promise<void>((r) => (release = r)));
    const next = start({ exporters: [after] });
    open.end();
    release();
    await pending;
    await next.flush();
    const names = [...before.spans(), ...after.spans()].map((s) => s.name);
    expect(names).toContain('openAcrossReinit');
    expect(names).toContain('blockAcrossReinit');
    expect(
      after
        .spans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['blockAcrossReinit', 'openAcrossReinit']);
    expect(next.stats()).toMatchObject({ spansEnded: 2, spansExported: 2, spansDropped: 0 });
  });

  it('the retired installation exports what it still held before stopping (no duplicates)', async () => {
    const first = new InMemoryExporter();
    const second = new InMemoryExporter();
    start({ exporters: [first], exportMode: 'batch', batch: { scheduledDelayMs: 60_000 } });
    trace(function queuedBeforeReinit() {})();
    const next = start({ exporters: [second] });
    await next.flush();
    await new Promise((r) => setTimeout(r, 20));
    expect(first.spans().map((s) => s.name)).toEqual(['queuedBeforeReinit']);
    expect(second.spans()).toEqual([]);
  });
});

describe('shutdown() is bounded by shutdownTimeoutMs', () => {
  it('with an exporter that never answers, resolves by the deadline and counts what was not sent', async () => {
    let shutdownCalled = false;
    const blackHole: SpanExporter = {
      export() {
        // Never calls back, like a backend that accepts the connection and never answers.
      },
      shutdown: async () => {
        shutdownCalled = true;
      },
    };
    const gb = init({
      exporters: [blackHole],
      logLevel: 'none',
      shutdownTimeoutMs: 300,
      batch: { maxExportBatchSize: 10, exportTimeoutMs: 60_000 },
    });
    const f = trace(() => 1, { name: 'unsent' });
    for (let i = 0; i < 25; i++) f();
    const started = Date.now();
    await gb.shutdown();
    const took = Date.now() - started;
    expect(took).toBeLessThan(3000);
    // Flushing waits for the first half of the 300 ms, the exporter is told to close in the rest.
    expect(took).toBeGreaterThanOrEqual(100);
    expect(shutdownCalled).toBe(true);
    const stats = gb.stats();
    expect(stats.spansEnded).toBe(25);
    expect(stats.spansExported + stats.spansDropped).toBe(25);
    expect(stats.spansDropped).toBe(25);
  });
});
