import type { Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import type { Runtime } from './runtime.js';

/**
 * Spans waiting on a promise. A promise that never settles and is dropped would leave its span open
 * forever, uncounted; when it is garbage collected the span ends as `abandoned` and is counted, as an
 * abandoned generator's is.
 *
 * Registering every promise with a FinalizationRegistry costs ~0.5 µs (an eighth of a traced call), so
 * a pending promise is first only linked into a list (two pointer writes); a sweep every SWEEP_MS
 * registers those still pending and lets go of them. Only long-pending promises pay for registration,
 * and a dropped one is collected at most one sweep later than it would have been.
 */
export interface PendingCall {
  readonly span: Span;
  readonly runtime: Runtime;
  /** Held only until the sweep registers it; then only weakly. */
  promise: object | undefined;
  readonly startMs: number;
  done: boolean;
  registered: boolean;
  prev: PendingCall | undefined;
  next: PendingCall | undefined;
}

const SWEEP_MS = 10_000;

let head: PendingCall | undefined;
let sweeper: ReturnType<typeof setInterval> | undefined;

const finalizer = new FinalizationRegistry<PendingCall>((call) => {
  if (call.done) return;
  call.done = true;
  unlink(call);
  try {
    call.span.setAttribute(ATTR.END_REASON, 'abandoned');
    call.runtime.stats.spansAbandoned++;
    call.span.end();
  } catch {
    // Ending a span must never throw into a GC callback.
  }
});

/** Starts watching a span's pending promise. */
export function watchPending(span: Span, runtime: Runtime, promise: object): PendingCall {
  const call: PendingCall = {
    span,
    runtime,
    promise,
    startMs: Date.now(),
    done: false,
    registered: false,
    prev: undefined,
    next: head,
  };
  if (head !== undefined) head.prev = call;
  head = call;
  if (sweeper === undefined) {
    // One long-lived, unref'd timer for the process: arming one per call would cost more than the call.
    sweeper = setInterval(sweep, SWEEP_MS);
    sweeper.unref?.();
  }
  return call;
}

/** The promise settled: stop watching; false when the span was already ended as abandoned. */
export function settledPending(call: PendingCall): boolean {
  if (call.done) return false;
  call.done = true;
  unlink(call);
  call.promise = undefined;
  if (call.registered) finalizer.unregister(call);
  return true;
}

/** Registers promises pending for a sweep interval, and stops holding them. */
export function sweep(now = Date.now()): void {
  for (let call = head; call !== undefined; call = call.next) {
    if (call.promise !== undefined && now - call.startMs >= SWEEP_MS) {
      finalizer.register(call.promise, call, call);
      call.registered = true;
      call.promise = undefined;
    }
  }
}

/** How many spans wait on a promise (for tests). */
export function pendingCount(): number {
  let n = 0;
  for (let call = head; call !== undefined; call = call.next) n++;
  return n;
}

function unlink(call: PendingCall): void {
  if (call.prev !== undefined) call.prev.next = call.next;
  else if (head === call) head = call.next;
  if (call.next !== undefined) call.next.prev = call.prev;
  call.prev = undefined;
  call.next = undefined;
}
