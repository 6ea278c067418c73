import { InMemoryExporter } from '@glassbox/exporters';
import { isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { init, trace } from '../index.js';
import { PooledIdGenerator } from './id-generator.js';

describe('PooledIdGenerator', () => {
  it('makes valid, distinct lowercase hex ids across many pool refills', () => {
    const ids = new PooledIdGenerator();
    const traceIds = new Set<string>();
    const spanIds = new Set<string>();
    // 20,000 pairs: ~2,000 hex encodings and ~120 draws of random bytes.
    for (let i = 0; i < 20_000; i++) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(spanId).toMatch(/^[0-9a-f]{16}$/);
      expect(isValidTraceId(traceId) && isValidSpanId(spanId)).toBe(true);
      traceIds.add(traceId);
      spanIds.add(spanId);
    }
    expect(traceIds.size).toBe(20_000);
    expect(spanIds.size).toBe(20_000);
  });

  it('uses every hex digit about equally (no bias from the pool cuts)', () => {
    const ids = new PooledIdGenerator();
    const counts = new Map<string, number>();
    for (let i = 0; i < 5_000; i++)
      for (const c of ids.generateTraceId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(16);
    // 160,000 digits, 10,000 expected each; a fair source stays within a few percent.
    for (const n of counts.values()) expect(Math.abs(n - 10_000)).toBeLessThan(800);
  });

  it('gives separate generators (separate processes, re-inits) independent ids', () => {
    const a = new PooledIdGenerator();
    const b = new PooledIdGenerator();
    expect(a.generateTraceId()).not.toBe(b.generateTraceId());
  });
});

describe('init (standalone) uses the pooled ids', () => {
  let shutdown: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await shutdown?.();
    shutdown = undefined;
  });

  it('exports spans whose ids are valid and unique, children sharing the root trace id', async () => {
    const exporter = new InMemoryExporter();
    const gb = init({ exporters: [exporter], logLevel: 'none' });
    shutdown = () => gb.shutdown();
    const child = trace(function child() {});
    const root = trace(function root() {
      child();
      child();
    });
    for (let i = 0; i < 50; i++) root();
    await gb.flush();
    const spans = exporter.spans();
    expect(spans).toHaveLength(150);
    expect(new Set(spans.map((s) => s.spanContext().spanId)).size).toBe(150);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(50);
    for (const s of spans) {
      expect(isValidTraceId(s.spanContext().traceId)).toBe(true);
      expect(isValidSpanId(s.spanContext().spanId)).toBe(true);
    }
  });
});
