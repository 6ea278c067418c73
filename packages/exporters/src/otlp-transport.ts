import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { gzip } from 'node:zlib';
import { logger } from '@glassbox/core/instrumentation';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import type { OtlpCompression } from './otlp-options.js';

// OTLP/HTTP on node:http(s), with the retry policy of the official OpenTelemetry exporters, but every
// request, backoff wait and deadline cancellable, so that shutdown can end them at once.

/** What one transport sends with. */
export interface OtlpHttpSettings {
  url: string;
  /** Lower-case names; the user's, which may override `user-agent`. */
  headers: Record<string, string>;
  contentType: string;
  compression: OtlpCompression;
  /** Budget of one export, all attempts and waits included. */
  timeoutMs: number;
}

/** How an export ended: the response body on success, else why it failed. */
export type SendOutcome = { ok: true; body: Buffer } | { ok: false; error: Error };

type Attempt = SendOutcome | { ok: false; retryable: true; error: Error; retryAfterMs?: number };

// The official exporters' policy: 5 retries, backoff from 1 s, x1.5, at most 5 s, ±20% jitter.
const MAX_RETRIES = 5;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 5000;
const BACKOFF_MULTIPLIER = 1.5;
const JITTER = 0.2;
/** Larger responses are cut off and the export counted as failed (a misbehaving server, not OTLP). */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const RETRYABLE_NETWORK_ERRORS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);
const USER_AGENT = 'glassbox-exporters OTel-OTLP-Exporter-JavaScript';

/** Sends OTLP request bodies to one URL over a keep-alive agent (idle sockets never hold the process). */
export class OtlpHttpTransport {
  private readonly target: URL;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(readonly settings: OtlpHttpSettings) {
    this.target = new URL(settings.url);
    const https = this.target.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.request = https ? httpsRequest : httpRequest;
  }

  /** Starts sending one serialized request, with retries, within `timeoutMs`. */
  send(body: Uint8Array): OtlpSend {
    return new OtlpSend(this, body);
  }

  /** Closes idle keep-alive sockets; call once nothing is in flight. */
  close(): void {
    this.agent.destroy();
  }

  /** One HTTP attempt; settles (never rejects) on a response, an error, or `signal` aborting. */
  attempt(body: Buffer, gzipped: boolean, signal: AbortSignal): Promise<Attempt> {
    return new Promise((resolve) => {
      let req: ClientRequest | undefined;
      let settled = false;
      const settle = (outcome: Attempt) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = () => {
        req?.destroy();
        settle({ ok: false, error: signal.reason as Error });
      };
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });

      const headers: Record<string, string | number> = {
        'user-agent': USER_AGENT,
        ...this.settings.headers,
        'content-type': this.settings.contentType,
        'content-length': body.length,
      };
      if (gzipped) headers['content-encoding'] = 'gzip';
      req = this.request(this.target, { method: 'POST', headers, agent: this.agent }, (res) =>
        readResponse(res, settle),
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        const retryable = typeof error.code === 'string' && RETRYABLE_NETWORK_ERRORS.has(error.code);
        settle(retryable ? { ok: false, retryable: true, error } : { ok: false, error });
      });
      req.end(body);
    });
  }
}

function readResponse(res: IncomingMessage, settle: (outcome: Attempt) => void): void {
  const status = res.statusCode ?? 0;
  const chunks: Buffer[] = [];
  let size = 0;
  const failure = (error?: Error): Attempt => {
    if (RETRYABLE_STATUSES.has(status)) {
      return {
        ok: false,
        retryable: true,
        error: error ?? new OTLPExporterError(res.statusMessage, status),
        retryAfterMs: parseRetryAfter(res.headers['retry-after']),
      };
    }
    return {
      ok: false,
      error: error ?? new OTLPExporterError(res.statusMessage, status, Buffer.concat(chunks).toString()),
    };
  };
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      settle({ ok: false, error: new Error(`OTLP response body exceeded ${MAX_RESPONSE_BYTES} bytes`) });
      res.destroy();
      return;
    }
    chunks.push(chunk);
  });
  res.on('end', () => {
    settle(status >= 200 && status < 300 ? { ok: true, body: Buffer.concat(chunks) } : failure());
  });
  res.on('error', (error) => {
    // The request was accepted even if its response could not be read to the end.
    settle(status >= 200 && status < 300 ? { ok: true, body: Buffer.alloc(0) } : failure(error));
  });
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * One export on the wire: its attempts, the backoff waits between them (unref'd timers, so they never
 * keep a process alive on their own) and its deadline (`timeoutMs`). `done` always resolves, with
 * the outcome. `stopRetrying()` and `abort()` let a shutdown end it early.
 */
export class OtlpSend {
  readonly done: Promise<SendOutcome>;
  private readonly controller = new AbortController();
  private retriesStopped = false;
  private waiting = false;

  constructor(transport: OtlpHttpTransport, body: Uint8Array) {
    this.done = this.run(transport, body);
  }

  /** No more attempts after the current one; a backoff wait in progress ends the export now. */
  stopRetrying(reason: Error): void {
    this.retriesStopped = true;
    if (this.waiting) this.abort(reason);
  }

  /** Ends the export now: the request in flight is destroyed and `done` resolves with `reason`. */
  abort(reason: Error): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  private async run(transport: OtlpHttpTransport, raw: Uint8Array): Promise<SendOutcome> {
    const { timeoutMs, compression, url } = transport.settings;
    const signal = this.controller.signal;
    const deadline = performance.now() + timeoutMs;
    const deadlineTimer = setTimeout(
      () => this.abort(new Error(`OTLP export to ${url} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    deadlineTimer.unref();
    try {
      const gzipped = compression === 'gzip';
      let body = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      if (gzipped) body = await untilAborted(gzipAsync(body), signal);
      let backoff = INITIAL_BACKOFF_MS;
      for (let retries = 0; ; retries++) {
        const result = await transport.attempt(body, gzipped, signal);
        if (result.ok || !('retryable' in result)) return result;
        if (retries === MAX_RETRIES || this.retriesStopped) return { ok: false, error: result.error };
        const jittered = Math.min(backoff * (1 + (Math.random() * 2 - 1) * JITTER), MAX_BACKOFF_MS);
        backoff *= BACKOFF_MULTIPLIER;
        const delay = result.retryAfterMs ?? jittered;
        if (performance.now() + delay >= deadline) {
          logger.log(
            'debug',
            `OTLP export retry in ${Math.round(delay)} ms would pass the ${timeoutMs} ms budget`,
          );
          return { ok: false, error: result.error };
        }
        logger.log(
          'debug',
          `OTLP export failed (${result.error.message}); retrying in ${Math.round(delay)} ms`,
        );
        const woken = await this.wait(delay, signal);
        if (!woken) return { ok: false, error: withCause(signal.reason as Error, result.error) };
      }
    } catch (error) {
      return { ok: false, error: error as Error };
    } finally {
      clearTimeout(deadlineTimer);
    }
  }

  /** Resolves true after `ms`, or false as soon as `signal` aborts. */
  private wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    this.waiting = true;
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        this.waiting = false;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(woken);
      };
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      timer.unref();
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function gzipAsync(body: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => gzip(body, (error, out) => (error ? reject(error) : resolve(out))));
}

/** `promise`, or a rejection with the abort reason as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function withCause(error: Error, cause: Error): Error {
  if (error.cause === undefined) error.cause = cause;
  return error;
}
