import { trace } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Glassbox, Stats } from '../glassbox.js';
import { exporterReserveMs, type GlassboxSpanProcessor } from './glassbox-processor.js';
import { slot } from './global-slot.js';
import type { Runtime } from './runtime.js';
import { registeredProvider, resetTracer } from './tracer.js';

/**
 * What one `init()` set up: its runtime, its processor and, in standalone mode, the provider it
 * registered. Flushes and shuts down within the runtime's `shutdownTimeoutMs`, and hands spans still
 * open to the next installation when `init()` runs again.
 */
export class Installation {
  #shutdownPromise: Promise<void> | undefined;
  #exitFlushing = false;

  constructor(
    readonly runtime: Runtime,
    readonly processor: GlassboxSpanProcessor,
    /** The provider Glassbox registered (standalone mode), else undefined (the app's provider is used). */
    readonly provider: BasicTracerProvider | undefined,
  ) {}

  /** The handle `init()` returns. */
  handle(): Glassbox {
    return {
      mode: this.provider ? 'standalone' : 'attached',
      flush: () => this.flush(),
      shutdown: () => this.shutdown(),
      stats: () => this.stats(),
    };
  }

  /** Exports every finished span now and waits for the exporters (attached: the app's provider too). */
  async flush(deadline?: number): Promise<void> {
    try {
      await this.processor.forceFlush(deadline);
      if (this.provider === undefined) {
        // Attached mode: flush the app's provider too, so its processors (maybe ours) export now.
        const delegate = registeredProvider() as { forceFlush?: () => Promise<void> } | undefined;
        if (typeof delegate?.forceFlush === 'function') await delegate.forceFlush();
      }
    } catch (error) {
      this.runtime.logger.once('warn', `flush failed: ${String(error)}`, 'flush');
    }
  }

  /** Flushes, then stops exporting, within `shutdownTimeoutMs`; safe to call twice. */
  shutdown(): Promise<void> {
    if (this.#shutdownPromise === undefined) {
      const release = keepAlive(this.runtime.shutdownTimeoutMs + 200);
      this.#shutdownPromise = this.#shutdown().finally(release);
    }
    return this.#shutdownPromise;
  }

  async #shutdown(): Promise<void> {
    const newer = slot.installation !== this ? (slot.installation as Installation | undefined) : undefined;
    if (slot.installation === this) {
      slot.installation = undefined;
      if (this.provider !== undefined && registeredProvider() === this.provider) {
        // Tracing becomes plain calls again; the runtime stays, so its privacy settings still hold.
        trace.disable();
        resetTracer();
      }
    }
    if (this.provider === undefined) await this.flush(Date.now() + this.runtime.shutdownTimeoutMs);
    // An installation made by an older init() never shuts down what the newer one still uses.
    await this.processor.close(new Set(newer?.processor.outputs ?? []));
  }

  /**
   * `init()` ran again: this installation stops at once (no duplicate exports); what it still holds is
   * exported, and spans still open end in `successor`, whose outputs are never shut down here.
   */
  retire(successor: Installation, successorAttached: boolean): void {
    if (this.#shutdownPromise !== undefined) return;
    if (this.provider !== undefined && registeredProvider() === this.provider) {
      trace.disable();
      resetTracer();
    }
    const keep = new Set(successor.processor.outputs);
    this.#shutdownPromise = this.processor.close(keep, successorAttached ? successor.processor : undefined);
  }

  /** Counters of this installation (attached mode: also of the processors `createSpanProcessor` made). */
  stats(): Stats {
    const out = { ...this.runtime.stats };
    if (this.provider !== undefined) return out;
    for (const ref of slot.detachedProcessors) {
      const processor = ref.deref() as GlassboxSpanProcessor | undefined;
      if (processor === undefined) {
        slot.detachedProcessors.delete(ref);
        continue;
      }
      if (processor === this.processor) continue;
      const s = processor.runtime.stats;
      for (const key of Object.keys(out) as (keyof Stats)[]) out[key] += s[key];
    }
    return out;
  }

  /**
   * The event loop drained (a script ends naturally): export what is queued, keeping the process alive
   * for at most `shutdownTimeoutMs`; past that, what is left is counted as dropped and the exporters are
   * told to give up, so the process exits.
   */
  exitFlush(): Promise<void> | undefined {
    if (this.#shutdownPromise !== undefined || this.#exitFlushing || this.processor.pending === 0) {
      return undefined;
    }
    this.#exitFlushing = true;
    const budget = this.runtime.shutdownTimeoutMs;
    const deadline = Date.now() + budget;
    const release = keepAlive(budget + 200);
    return this.flush(deadline - exporterReserveMs(budget))
      .then(() => {
        // Still not sent: count it, and tell the exporters to give up so the process can end.
        if (this.processor.pending > 0) {
          this.#shutdownPromise = this.processor.close(new Set(), undefined, deadline);
        }
        return this.#shutdownPromise;
      })
      .finally(() => {
        this.#exitFlushing = false;
        release();
      });
  }

  /** A termination signal arrived and the app has no handler: export what is queued, within the bound. */
  signalFlush(): Promise<void> {
    const release = keepAlive(this.runtime.shutdownTimeoutMs + 200);
    return this.flush(Date.now() + this.runtime.shutdownTimeoutMs).finally(release);
  }
}

/** Keeps the process alive for at most `ms` while a bounded flush runs; returns the release. */
function keepAlive(ms: number): () => void {
  const timer = setTimeout(() => undefined, ms);
  return () => clearTimeout(timer);
}
