import { TRACE_PARAMS } from '../shared/trace-filters.js';
import type { TraceQuery } from '../store/trace-query.js';
import { HttpError } from './http-io.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

function number(
  params: URLSearchParams,
  key: string,
  min: number,
  max: number,
  integer = false,
): number | undefined {
  const raw = params.get(key);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new HttpError(
      400,
      `query parameter ${key}: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

function flag(params: URLSearchParams, key: string): boolean | undefined {
  const raw = params.get(key);
  if (raw === null || raw === '') return undefined;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new HttpError(400, `query parameter ${key}: expected 1 or 0, got ${JSON.stringify(raw)}`);
}

function text(params: URLSearchParams, key: string): string | undefined {
  const raw = params.get(key);
  return raw === null || raw === '' ? undefined : raw;
}

function refuseUnknown(params: URLSearchParams, known: readonly string[]): void {
  for (const key of params.keys()) {
    if (!known.includes(key))
      throw new HttpError(400, `unknown query parameter ${key} (known: ${known.join(', ')})`);
  }
}

/** The trace filters of a request; an unknown or malformed parameter is a 400 naming it. */
export function traceQuery(params: URLSearchParams): TraceQuery {
  refuseUnknown(params, TRACE_PARAMS);
  const query: TraceQuery = {};
  const status = text(params, 'status');
  if (status !== undefined) {
    if (status !== 'ok' && status !== 'error' && status !== 'unset') {
      throw new HttpError(
        400,
        `query parameter status: expected ok, error or unset, got ${JSON.stringify(status)}`,
      );
    }
    query.status = status;
  }
  const set = <K extends keyof TraceQuery>(key: K, v: TraceQuery[K] | undefined) => {
    if (v !== undefined) query[key] = v;
  };
  set('service', text(params, 'service'));
  set('name', text(params, 'name'));
  set('spanType', text(params, 'type'));
  set('minDurationMs', number(params, 'minMs', 0, Number.MAX_SAFE_INTEGER));
  set('maxDurationMs', number(params, 'maxMs', 0, Number.MAX_SAFE_INTEGER));
  set('sessionId', text(params, 'session'));
  set('userId', text(params, 'user'));
  set('tag', text(params, 'tag'));
  set('flagged', flag(params, 'flagged'));
  set('hasFeedback', flag(params, 'feedback'));
  set('text', text(params, 'q'));
  set('limit', number(params, 'limit', 1, 500, true));
  set('cursor', text(params, 'cursor'));
  return query;
}

/** The filters of `GET /api/feedback`. */
export function feedbackQuery(params: URLSearchParams): {
  traceId?: string;
  spanId?: string;
  source?: string;
  name?: string;
  limit?: number;
  cursor?: string;
} {
  refuseUnknown(params, ['traceId', 'spanId', 'source', 'name', 'limit', 'cursor', 'token']);
  const query: ReturnType<typeof feedbackQuery> = {};
  const traceId = text(params, 'traceId');
  if (traceId !== undefined) query.traceId = checkTraceId(traceId);
  const spanId = text(params, 'spanId');
  if (spanId !== undefined) {
    if (!SPAN_ID.test(spanId))
      throw new HttpError(400, 'query parameter spanId: expected 16 lower-case hex characters');
    query.spanId = spanId;
  }
  for (const key of ['source', 'name', 'cursor'] as const) {
    const v = text(params, key);
    if (v !== undefined) query[key] = v;
  }
  const limit = number(params, 'limit', 1, 500, true);
  if (limit !== undefined) query.limit = limit;
  return query;
}

/** A trace id from a path or query, or a 400. */
export function checkTraceId(id: string): string {
  if (!TRACE_ID.test(id))
    throw new HttpError(
      400,
      `trace id ${JSON.stringify(id.slice(0, 64))}: expected 32 lower-case hex characters`,
    );
  return id;
}
