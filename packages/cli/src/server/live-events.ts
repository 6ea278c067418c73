import type { IncomingMessage, ServerResponse } from 'node:http';
import { BASE_HEADERS } from './http-io.js';

/** How long ingests are gathered into one event: a burst of batches makes one page refresh. */
const COALESCE_MS = 100;
/** A comment line this often keeps proxies and the browser from timing the stream out. */
const PING_MS = 15_000;

/**
 * The `/api/live` Server-Sent Events streams: after an ingest, every open page is told which traces
 * changed (`event: spans`), at most once per ~100 ms; feedback added through the API is `event: feedback`.
 */
export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private readonly pending = new Map<string, Set<string>>();
  private flushTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;

  /** Number of open streams. */
  get size(): number {
    return this.clients.size;
  }

  /** Starts a stream for one page; it is dropped when the page goes away. */
  open(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write('retry: 2000\n: connected\n\n');
    this.clients.add(res);
    const drop = () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopPing();
    };
    req.once('close', drop);
    res.once('close', drop);
    if (!this.pingTimer) {
      this.pingTimer = setInterval(() => this.broadcast(': ping\n\n'), PING_MS);
      this.pingTimer.unref();
    }
  }

  /** Queues `traceIds` for the next event of type `event`. */
  notify(event: 'spans' | 'feedback', traceIds: readonly string[]): void {
    if (traceIds.length === 0 || this.clients.size === 0) return;
    let ids = this.pending.get(event);
    if (!ids) this.pending.set(event, (ids = new Set()));
    for (const id of traceIds) ids.add(id);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), COALESCE_MS);
      this.flushTimer.unref();
    }
  }

  /** Ends every stream (at shutdown). */
  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.stopPing();
    this.pending.clear();
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private flush(): void {
    this.flushTimer = undefined;
    for (const [event, ids] of this.pending) {
      this.broadcast(`event: ${event}\ndata: ${JSON.stringify({ traceIds: [...ids] })}\n\n`);
    }
    this.pending.clear();
  }

  private broadcast(text: string): void {
    for (const res of this.clients) {
      if (res.destroyed || res.writableEnded) this.clients.delete(res);
      else res.write(text);
    }
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}
