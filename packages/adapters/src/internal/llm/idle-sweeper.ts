/** Something the sweeper can ask whether it has been idle too long. */
export interface Sweepable {
  /** The idle limit in ms this call was started with. */
  readonly idleMs: number;
  /** Ends the call if it has been idle for `idleMs` at `now` (epoch ms); returns true when it ended. */
  sweep(now: number): boolean;
}

const open = new Set<Sweepable>();
let timer: ReturnType<typeof setInterval> | undefined;
let periodMs = Number.POSITIVE_INFINITY;

/**
 * Starts watching a call for idleness. One shared, unref'd interval serves every open call, so a
 * traced request costs a set insertion instead of a timer of its own; the check runs every quarter of
 * the shortest idle limit in use (at least every 10 ms, at most every 30 s).
 *
 * The interval is not cleared when the last call ends: requests that follow one another would
 * otherwise create and clear a timer each. It stops at its next tick that finds nothing to watch.
 */
export function watchIdle(call: Sweepable): void {
  open.add(call);
  const wanted = periodFor(call.idleMs);
  if (timer === undefined || wanted < periodMs) restart(wanted);
}

/** Stops watching a call (it ended). */
export function unwatchIdle(call: Sweepable): void {
  open.delete(call);
}

function periodFor(idleMs: number): number {
  return Math.min(30_000, Math.max(10, Math.floor(idleMs / 4)));
}

function restart(period: number): void {
  if (timer !== undefined) clearInterval(timer);
  periodMs = period;
  timer = setInterval(sweep, period);
  // The sweeper only guards against forgotten streams; it must never keep the process alive.
  (timer as { unref?: () => void }).unref?.();
}

function sweep(): void {
  const now = Date.now();
  let shortest = Number.POSITIVE_INFINITY;
  for (const call of open) {
    if (call.sweep(now)) open.delete(call);
    else if (call.idleMs < shortest) shortest = call.idleMs;
  }
  if (open.size === 0) {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    periodMs = Number.POSITIVE_INFINITY;
  } else if (periodFor(shortest) > periodMs) {
    // The calls with the shortest limit have ended: check less often.
    restart(periodFor(shortest));
  }
}
