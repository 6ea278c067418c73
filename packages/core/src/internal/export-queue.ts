import { context } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { logger } from './logger.js';
import { redactForeignSpan } from './redact-span.js';
import { type Stats, state } from './state.js';

/** Bounds of an export queue. */
export interface ExportQueueOptions {
  mode: 'batch' | 'immediate';
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMs: number;
  exportTimeoutMs: number;
}

/**
 * A bounded queue in front of one exporter. At most one export is in flight; spans past `maxQueueSize`
 * are dropped and counted, so a dead or slow backend costs bounded memory and never blocks the app.
 * In `immediate` mode each span is sent as soon as it ends (still one export at a time).
 */
export class ExportQueue {
  private queue: ReadableSpan[] = [];
  private inFlight: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly label: string;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly options: ExportQueueOptions,
    private readonly stats: Stats,
  ) {
    this.label = exporter.constructor?.name || 'exporter';
  }

  /** Spans waiting or being exported. */
  get pending(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  add(span: ReadableSpan): void {
    if (this.stopped) return;
    if (this.queue.length >= this.options.maxQueueSize) {
      this.stats.spansDropped++;
      logger.once(
        'warn',
        `export queue of ${this.label} is full (maxQueueSize ${this.options.maxQueueSize}); dropping spans`,
        `full:${this.label}`,
      );
      return;
    }
    this.queue.push(span);
    if (this.options.mode === 'immediate' || this.queue.length >= this.options.maxExportBatchSize)
      this.kick();
    else this.arm();
  }

  /** Exports everything queued and waits for it, including an export already in flight. */
  async flush(): Promise<void> {
    this.disarm();
    // Bounded: each round exports or drops at least one batch.
    for (let round = 0; round < 100_000 && (this.queue.length > 0 || this.inFlight); round++) {
      if (this.inFlight) await this.inFlight;
      else this.kick();
    }
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.flush();
    this.stopped = true;
    this.disarm();
    try {
      await this.exporter.shutdown();
    } catch (error) {
      logger.once('warn', `${this.label} failed to shut down: ${String(error)}`);
    }
  }

  private arm(): void {
    if (this.timer !== undefined || this.inFlight) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.options.scheduledDelayMs);
    // Never keep the process alive just to export; `flush()` / beforeExit handle the end.
    this.timer.unref?.();
  }

  private disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private kick(): void {
    if (this.inFlight || this.queue.length === 0) return;
    this.disarm();
    const batch = this.queue.splice(0, this.options.maxExportBatchSize);
    this.inFlight = this.send(batch).finally(() => {
      this.inFlight = undefined;
      if (this.queue.length > 0) {
        if (this.options.mode === 'immediate' || this.queue.length >= this.options.maxExportBatchSize)
          this.kick();
        else this.arm();
      }
    });
  }

  private send(batch: ReadableSpan[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const done = (result: ExportResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (result.code === ExportResultCode.SUCCESS) {
          this.stats.spansExported += batch.length;
        } else {
          this.stats.exportErrors++;
          this.stats.spansDropped += batch.length;
          const reason = result.error ? String(result.error.message ?? result.error) : 'export failed';
          logger.once(
            'warn',
            `${this.label} failed to export ${batch.length} spans: ${reason} (further failures are counted in stats())`,
            `export:${this.label}`,
          );
        }
        resolve();
      };
      const timeout = setTimeout(
        () =>
          done({
            code: ExportResultCode.FAILED,
            error: new Error(`export timed out after ${this.options.exportTimeoutMs} ms`),
          }),
        this.options.exportTimeoutMs,
      );
      timeout.unref?.();
      try {
        // The exporter's own HTTP calls must not be traced (no feedback loop through instrumentation).
        const redactor = state.capture.redactor;
        const out = redactor ? batch.map((span) => redactForeignSpan(span, redactor)) : batch;
        context.with(suppressTracing(context.active()), () => this.exporter.export(out, done));
      } catch (error) {
        done({ code: ExportResultCode.FAILED, error: error as Error });
      }
    });
  }
}
