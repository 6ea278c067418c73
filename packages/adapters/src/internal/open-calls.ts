/** Bounds of a table of open calls. */
export interface OpenCallLimits {
  /** Calls kept open at most; the oldest is abandoned beyond it. */
  maxOpen: number;
  /** A call with no event for this long is abandoned (`Infinity` turns the sweep off). */
  abandonAfterMs: number;
}

/**
 * Monotonic milliseconds (`performance.now()`). OpenTelemetry accepts such a number as a span time and
 * converts it with the span's own clock anchor, so times set later (an end stamped with the last event)
 * stay consistent with the times the SDK takes itself, even when the wall clock drifts.
 */
export function monotonicMs(): number {
  return performance.now();
}

/**
 * The calls whose end event has not arrived yet. Frameworks do not always report an end (a stream the
 * consumer stops reading, a request that is never consumed), so the table is bounded and swept: an
 * abandoned call is handed to `abandon`, which ends its spans at their last activity.
 */
export class OpenCalls<R extends { lastMs: number }> {
  private readonly records = new Map<string, R>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly limits: OpenCallLimits,
    private readonly abandon: (record: R) => void,
  ) {}

  get(id: string | undefined): R | undefined {
    return id === undefined ? undefined : this.records.get(id);
  }

  add(id: string, record: R): void {
    this.records.set(id, record);
    for (const [oldId, oldest] of this.records) {
      if (this.records.size <= this.limits.maxOpen) break;
      this.records.delete(oldId);
      this.abandon(oldest);
    }
    this.schedule();
  }

  remove(id: string): R | undefined {
    const record = this.records.get(id);
    this.records.delete(id);
    if (this.records.size === 0) this.stop();
    return record;
  }

  /** Abandons every call idle for longer than the limit (run by the timer; callable directly). */
  sweep(now = monotonicMs()): void {
    for (const [id, record] of this.records) {
      if (now - record.lastMs < this.limits.abandonAfterMs) continue;
      this.records.delete(id);
      this.abandon(record);
    }
    if (this.records.size === 0) this.stop();
  }

  private schedule(): void {
    if (this.timer !== undefined || !Number.isFinite(this.limits.abandonAfterMs)) return;
    const every = Math.max(10, Math.min(this.limits.abandonAfterMs, 30_000));
    this.timer = setInterval(() => this.sweep(), every);
    // The sweep must never keep a process alive on its own.
    this.timer.unref?.();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
