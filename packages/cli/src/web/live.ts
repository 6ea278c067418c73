/// <reference lib="dom" />
// The live feed: one EventSource on /api/live for the page, telling views which traces got new spans
// (`event: spans`) or new feedback from someone else, a judge or another tab (`event: feedback`).

/** What changed on the traces of a live event. */
export type LiveKind = 'spans' | 'feedback';

type Listener = (traceIds: string[], kind: LiveKind) => void;

const listeners = new Set<Listener>();
let source: EventSource | undefined;
let indicator: HTMLElement | undefined;

function setState(state: 'live' | 'connecting' | 'offline'): void {
  if (!indicator) return;
  indicator.dataset.state = state;
  indicator.textContent =
    state === 'live' ? '● live' : state === 'connecting' ? '○ connecting…' : '○ offline';
}

/** Opens the feed (once) and shows its state in `badge`. */
export function startLive(badge: HTMLElement): void {
  indicator = badge;
  if (source || typeof EventSource === 'undefined') return;
  setState('connecting');
  source = new EventSource('/api/live');
  source.addEventListener('open', () => setState('live'));
  // EventSource reconnects by itself; the badge says so meanwhile.
  source.addEventListener('error', () =>
    setState(source?.readyState === EventSource.CLOSED ? 'offline' : 'connecting'),
  );
  for (const kind of ['spans', 'feedback'] as const)
    source.addEventListener(kind, (event) => {
      let ids: string[] = [];
      try {
        const data = JSON.parse((event as MessageEvent<string>).data) as { traceIds?: unknown };
        if (Array.isArray(data.traceIds))
          ids = data.traceIds.filter((x): x is string => typeof x === 'string');
      } catch {
        return;
      }
      for (const listener of listeners) listener(ids, kind);
    });
}

/** Calls `listener` with the trace ids of every ingest or new feedback until the returned function is called. */
export function onLive(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
