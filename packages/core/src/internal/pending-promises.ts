import type { Context, Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { keepShape } from './keep-shape.js';
import type { Runtime } from './runtime-shape.js';
import type { SpanPlan } from './span-plan.js';

/**
 * A traced call waiting on a promise: everything its settlement handlers need, in one object (the two
 * handlers close over it alone), and its place in the list of pending calls.
 *
 * A promise that never settles and is dropped would leave its span open forever, uncounted; when it is
 * garbage collected the span ends as `abandoned` and is counted, as an abandoned generator's is.
 * Registering every promise with a FinalizationRegistry costs ~0.5 µs (an eighth of a traced call), so
 * a pending promise is first only linked into a list (two pointer writes); each sweep (every SWEEP_MS)
 * registers the calls still pending since the sweep before and lets go of their promise. Only
 * long-pending promises pay for registration, and a dropped one is collected at most two sweeps later
 * than it would have been.
 */
export class PendingCall {
  /** Held only until a sweep registers it; then only weakly. */
  promise: object | undefined;
  done = false;
  registered = false;
  prev: PendingCall | undefined = undefined;
  next: PendingCall | undefined = undefined;
  /** The sweep generation the call started in (no clock read per call). */
  readonly generation = generation;

  constructor(
    readonly plan: SpanPlan,
    readonly span: Span,
    readonly ctx: Context,
    readonly thisArg: unknown,
    readonly content: boolean | undefined,
    readonly runtime: Runtime,
    promise: object,
  ) {
    this.promise = promise;
  }
}

const SWEEP_MS = 10_000;

let head: PendingCall | undefined;
let generation = 0;
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

/** Starts watching a call's pending promise. */
export function watchPending(call: PendingCall): PendingCall {
  keepShape.pending = call;
  call.next = head;
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

/** Registers the calls pending since before the previous sweep (all of them with `all`), and stops holding their promises. */
export function sweep(all = false): void {
  const before = all ? generation + 1 : generation;
  generation++;
  for (let call = head; call !== undefined; call = call.next) {
    if (call.promise !== undefined && call.generation < before) {
      finalizer.register(call.promise, call, call);
      call.registered = true;
      call.promise = undefined;
    }
  }
}

/** How many calls wait on a promise (for tests). */
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
