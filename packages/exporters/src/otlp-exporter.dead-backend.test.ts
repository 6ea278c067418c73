import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { closedPort } from '../tests/otlp-receiver.js';
import { otlpExporter } from './otlp-exporter.js';

function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  // Vitest workers run without --expose-gc; the flag can still be turned on for a fresh context.
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** Counts what the batch processor hands over and how it went. */
class Counting implements SpanExporter {
  offered = 0;
  failed = 0;
  succeeded = 0;
  constructor(private readonly inner: SpanExporter) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.offered += spans.length;
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.succeeded++;
      else this.failed++;
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

describe('otlpExporter with a dead backend', () => {
  it('keeps memory flat and the app running while 200,000 spans go to a closed port', async () => {
    const gc = gcFunction();
    const port = await closedPort();
    const exporter = new Counting(
      otlpExporter({ endpoint: `http://127.0.0.1:${port}/v1/traces`, timeoutMs: 300 }),
    );
    const provider = new BasicTracerProvider({
      spanProcessors: [
        new BatchSpanProcessor(exporter, {
          maxQueueSize: 2048,
          maxExportBatchSize: 512,
          scheduledDelayMillis: 20,
        }),
      ],
    });
    const tracer = provider.getTracer('dead-backend');
    const payload = 'x'.repeat(200);
    const total = 200_000;
    let thrown = 0;
    let baseline = 0;
    const started = performance.now();

    for (let i = 0; i < total; i++) {
      try {
        const span = tracer.startSpan('work', { attributes: { 'glassbox.inputs': payload, i } });
        span.end();
      } catch {
        thrown++;
      }
      if (i % 5000 === 4999) {
        // Let the processor and the exporter's sockets run, as a real app's event loop would; 5,000 spans
        // between turns is more than the 2,048-span queue holds, so some must be dropped.
        await new Promise((resolve) => setImmediate(resolve));
        if (i === 19_999) {
          gc();
          baseline = process.memoryUsage().heapUsed;
        }
      }
    }
    const producingMs = performance.now() - started;
    gc();
    const growthMb = (process.memoryUsage().heapUsed - baseline) / 1024 / 1024;

    expect(thrown).toBe(0);
    expect(growthMb).toBeLessThan(50);
    // Spans beyond the bounded queue were dropped rather than buffered...
    expect(exporter.offered).toBeLessThan(total);
    // ...and every export that was attempted failed and was reported, not thrown.
    await provider.forceFlush().catch(() => undefined);
    expect(exporter.failed).toBeGreaterThan(0);
    expect(exporter.succeeded).toBe(0);
    // A dead backend must not slow span production down to its timeouts.
    expect(producingMs).toBeLessThan(15_000);
    await provider.shutdown().catch(() => undefined);
  });
});
