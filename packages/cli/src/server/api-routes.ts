import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FeedbackRecord } from '@glassbox/evals';
import type { FeedbackInput } from '../store/feedback-input.js';
import { StoreInputError } from '../store/store-errors.js';
import type { TraceStore } from '../store/trace-store.js';
import { feedbackOtlpRequest } from './feedback-otlp.js';
import { HttpError, readBody, sendJson, sendLines } from './http-io.js';
import type { LiveEvents } from './live-events.js';
import { checkTraceId, feedbackQuery, traceQuery } from './trace-query.js';

/** What the `/api/*` routes work with. */
export interface ApiContext {
  store: TraceStore;
  live: LiveEvents;
  version: string;
  tokenRequired: boolean;
  /** Largest JSON body accepted, in bytes. */
  maxApiBodyBytes: number;
}

const FEEDBACK_KEYS = ['traceId', 'spanId', 'name', 'value', 'rationale', 'expectations', 'source'];

function only(req: IncomingMessage, method: 'GET' | 'POST'): void {
  const m = req.method === 'HEAD' ? 'GET' : req.method;
  if (m !== method)
    throw new HttpError(405, `${req.method} is not allowed here; use ${method}`, { Allow: method });
}

/** Answers one `/api/...` request; throws `HttpError` for a refused one. */
export async function handleApi(
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const path = url.pathname;
  const { store } = ctx;
  if (path === '/api/traces') {
    only(req, 'GET');
    return sendJson(req, res, 200, store.listTraces(traceQuery(url.searchParams)));
  }
  if (path.startsWith('/api/traces/')) {
    only(req, 'GET');
    const id = checkTraceId(path.slice('/api/traces/'.length));
    const detail = store.getTrace(id);
    if (!detail) throw new HttpError(404, `no trace ${id} in this store`);
    return sendJson(req, res, 200, detail);
  }
  if (path === '/api/facets') {
    only(req, 'GET');
    return sendJson(req, res, 200, store.facets());
  }
  if (path === '/api/info') {
    only(req, 'GET');
    return sendJson(req, res, 200, {
      ...store.info(),
      version: ctx.version,
      tokenRequired: ctx.tokenRequired,
    });
  }
  if (path === '/api/feedback') {
    if (req.method === 'POST') return addFeedback(ctx, req, res);
    only(req, 'GET');
    return sendJson(req, res, 200, store.listFeedback(feedbackQuery(url.searchParams)));
  }
  if (path === '/api/live') {
    // Not HEAD: a stream that never ends has no headers-only form.
    if (req.method !== 'GET')
      throw new HttpError(405, `${req.method} is not allowed here; use GET`, { Allow: 'GET' });
    return ctx.live.open(req, res);
  }
  if (path === '/api/export/feedback.jsonl') {
    only(req, 'GET');
    return sendLines(
      res,
      'feedback.jsonl',
      'application/x-ndjson; charset=utf-8',
      jsonLines(store.feedbackRecords()),
    );
  }
  if (path === '/api/export/feedback.otlp.json') {
    only(req, 'GET');
    const body = JSON.stringify(
      feedbackOtlpRequest(store.feedbackRecords(), ctx.version, (id) => store.rootSpanIdOf(id)),
    );
    return sendLines(res, 'feedback.otlp.json', 'application/json; charset=utf-8', [body, '\n']);
  }
  if (path === '/api/export/dataset.jsonl') {
    only(req, 'GET');
    const query = traceQuery(url.searchParams);
    return sendLines(
      res,
      'dataset.jsonl',
      'application/x-ndjson; charset=utf-8',
      jsonLines(store.dataset(query)),
    );
  }
  throw new HttpError(404, `no API route ${path}`);
}

function* jsonLines(items: Iterable<unknown>): Generator<string> {
  for (const item of items) yield `${JSON.stringify(item)}\n`;
}

async function addFeedback(ctx: ApiContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // A JSON content type cannot be sent by a plain HTML form, one more wall against cross-site posts.
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new HttpError(415, `POST /api/feedback takes application/json, not ${JSON.stringify(type)}`);
  }
  const body = await readBody(req, ctx.maxApiBodyBytes);
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new HttpError(400, `the body is not JSON: ${(error as Error).message}`);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new HttpError(
      400,
      'the body must be a JSON object { traceId, spanId?, name, value, rationale?, expectations?, source? }',
    );
  }
  for (const key of Object.keys(input)) {
    if (!FEEDBACK_KEYS.includes(key)) {
      throw new HttpError(400, `unknown feedback field ${key} (known: ${FEEDBACK_KEYS.join(', ')})`);
    }
  }
  let record: FeedbackRecord;
  try {
    record = ctx.store.addFeedback(input as FeedbackInput);
  } catch (error) {
    if (StoreInputError.isInstance(error)) throw new HttpError(400, error.message);
    throw error;
  }
  ctx.live.notify('feedback', [record.traceId]);
  sendJson(req, res, 201, record);
}
