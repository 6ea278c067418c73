import { context } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { untilDeadline } from './deadline.js';
import type { Runtime } from './runtime.js';

/** Bounds of an export queue. */
export interface ExportQueueOptions {
  mode: 'batch' | 'immediate';
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMs: number;
  exportTimeoutMs: number;
}

/** What a span looks like on its way out (a redacted view), decided by the queue's processor at export time. */
export type PrepareSpan = (span: ReadableSpan) => ReadableSpan;

/**
 * A bounded queue in front of one exporter. At most one export is in flight; spans past `maxQueueSize`
 * are dropped and counted, so a dead or slow backend costs bounded memory and never blocks the app.
 * In `immediate` mode each span is sent as soon as it ends (still one export at a time). Every span is
 * accounted for: exported, or dropped (full queue, failed or timed-out export, shutdown deadline).
 */
export class ExportQueue {
  private queue: ReadableSpan[] = [];
  private inFlight: Promise<void> | undefined;
  /** Fails the batch in flight now (a deadline passed); its late result is then ignored. */
  private failInFlight: ((reason: string) => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  readonly label: string;

  constructor(
    readonly exporter: SpanExporter,
    private readonly options: ExportQueueOptions,
    private readonly runtime: Runtime,
    private readonly prepare: PrepareSpan,
  ) {
    this.label = exporter.constructor?.name || 'exporter';
  }

  /** Spans waiting or being exported. */
  get pending(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  add(span: ReadableSpan): void {
    if (this.stopped) {
      this.runtime.stats.spansDropped++;
      return;
    }
    if (this.queue.length >= this.options.maxQueueSize) {
      this.runtime.stats.spansDropped++;
      this.runtime.logger.once(
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

  /**
   * Exports everything queued and waits for it, including an export already in flight; with a deadline
   * (epoch ms), stops waiting then. Resolves true when nothing is left.
   */
  async flush(deadline?: number): Promise<boolean> {
    this.disarm();
    const timeout = deadline === undefined ? undefined : untilDeadline(deadline);
    try {
      // Bounded: each round exports or drops at least one batch.
      for (let round = 0; round < 100_000 && (this.queue.length > 0 || this.inFlight); round++) {
        if (deadline !== undefined && Date.now() >= deadline) return false;
        if (this.inFlight) {
          if (timeout === undefined) await this.inFlight;
          else await Promise.race([this.inFlight, timeout.reached]);
        } else this.kick();
      }
      return this.queue.length === 0 && this.inFlight === undefined;
    } finally {
      timeout?.cancel();
    }
  }

  /** Drops what is queued or in flight, counting it (a deadline passed); later spans are dropped too. */
  abandon(reason: string): void {
    this.stopped = true;
    this.disarm();
    const left = this.queue.length;
    this.queue = [];
    if (left > 0) this.runtime.stats.spansDropped += left;
    this.failInFlight?.(reason);
    if (left > 0) {
      this.runtime.logger.once(
        'warn',
        `${this.label}: ${left} queued spans were not exported (${reason})`,
        `abandon:${this.label}`,
      );
    }
  }

  /** Stops taking spans: later ones are dropped and counted. */
  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private arm(): void {
    if (this.timer !== undefined || this.inFlight) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, this.options.scheduledDelayMs);
    // Never keep the process alive just to export; `flush()` and the exit hooks handle the end.
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
      this.failInFlight = undefined;
      if (this.queue.length > 0 && !this.stopped) {
        if (this.options.mode === 'immediate' || this.queue.length >= this.options.maxExportBatchSize)
          this.kick();
        else this.arm();
      }
    });
  }

  private send(batch: ReadableSpan[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const stats = this.runtime.stats;
      const done = (result: ExportResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        if (result.code === ExportResultCode.SUCCESS) {
          stats.spansExported += batch.length;
        } else {
          stats.exportErrors++;
          stats.spansDropped += batch.length;
          const reason = result.error ? String(result.error.message ?? result.error) : 'export failed';
          this.runtime.logger.once(
            'warn',
            `${this.label} failed to export ${batch.length} spans: ${reason} (further failures are counted in stats())`,
            `export:${this.label}`,
          );
        }
        resolve();
      };
      this.failInFlight = (reason) => done({ code: ExportResultCode.FAILED, error: new Error(reason) });
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
        const out = batch.map(this.prepare);
        // The exporter's own HTTP calls must not be traced (no feedback loop through instrumentation).
        context.with(suppressTracing(context.active()), () => this.exporter.export(out, done));
      } catch (error) {
        done({ code: ExportResultCode.FAILED, error: error as Error });
      }
    });
  }
}
