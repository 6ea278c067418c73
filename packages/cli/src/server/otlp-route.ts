import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeTraceRequest, type OtlpFormat, otlpFormatOf } from '../otlp/decode-trace-request.js';
import { encodeStatus, encodeTraceResponse } from '../otlp/encode-trace-response.js';
import { OtlpRequestError } from '../otlp/otlp-request-error.js';
import type { TraceStore } from '../store/trace-store.js';
import { HttpError, readBody, send } from './http-io.js';
import type { LiveEvents } from './live-events.js';

/** What `/v1/traces` works with. */
export interface OtlpContext {
  store: TraceStore;
  live: LiveEvents;
  /** Largest body accepted, compressed and after decompression, in bytes. */
  maxBodyBytes: number;
}

/** google.rpc.Code for each refusal, as OTLP/HTTP servers report it in the Status body. */
const RPC_CODE: Record<number, number> = { 400: 3, 405: 12, 413: 8, 415: 3, 500: 13, 503: 14 };

function sendStatus(
  req: IncomingMessage,
  res: ServerResponse,
  format: OtlpFormat,
  status: number,
  message: string,
): void {
  const encoded = encodeStatus(format, RPC_CODE[status] ?? 2, message);
  const headers: Record<string, string> = {
    'Content-Type': encoded.contentType,
    'Cache-Control': 'no-store',
  };
  if (status === 405) headers.Allow = 'POST';
  if (status === 503) headers['Retry-After'] = '1';
  send(req, res, status, encoded.body, headers);
}

/**
 * OTLP/HTTP `POST /v1/traces`: protobuf or JSON, optionally gzip/deflate; spans are stored and the
 * open pages told. Answers in the request's encoding, with partial success for rejected spans and a
 * google.rpc.Status body for a refused request.
 */
export async function handleOtlp(ctx: OtlpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const contentType = req.headers['content-type'];
  // An unknown type is answered in JSON: whoever sent it can read the reason.
  const format = otlpFormatOf(contentType) ?? 'json';
  try {
    if (req.method !== 'POST')
      throw new HttpError(405, `${req.method} is not allowed on /v1/traces; OTLP/HTTP uses POST`);
    const body = await readBody(req, ctx.maxBodyBytes);
    const encoding = req.headers['content-encoding'];
    const decoded = decodeTraceRequest({
      body,
      ...(contentType !== undefined ? { contentType } : {}),
      ...(encoding !== undefined ? { contentEncoding: encoding } : {}),
      maxBytes: ctx.maxBodyBytes,
    });
    if (decoded.spans.length > 0) {
      const { traceIds } = ctx.store.insertSpans(decoded.spans);
      ctx.live.notify('spans', traceIds);
    }
    const partial =
      decoded.rejectedSpans > 0 || decoded.errorMessage !== undefined
        ? {
            rejectedSpans: decoded.rejectedSpans,
            ...(decoded.errorMessage !== undefined ? { errorMessage: decoded.errorMessage } : {}),
          }
        : undefined;
    const answer = encodeTraceResponse(format, partial);
    send(req, res, 200, answer.body, { 'Content-Type': answer.contentType, 'Cache-Control': 'no-store' });
  } catch (error) {
    if (error instanceof OtlpRequestError || error instanceof HttpError) {
      sendStatus(req, res, format, error.status, error.message);
    } else if (isBusy(error)) {
      // Another process holds the database's write lock: a passing state, which OTLP exporters retry on 503.
      sendStatus(req, res, format, 503, `the trace store is busy, retry: ${(error as Error).message}`);
    } else {
      sendStatus(
        req,
        res,
        format,
        500,
        `could not store the spans: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** SQLite's "database is busy / locked" (better-sqlite3 `SqliteError` codes, extended ones included). */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}
