/// <reference lib="dom" />
// The viewer's HTTP API as the page uses it (the server's routes are in src/server). The types are the
// store's own, so the page cannot drift from what the API returns; type-only imports vanish from the bundle.
import type { FeedbackRecord } from '@glassbox/evals';
import type { SpanRecord } from '../store/span-record.js';
import type { TraceSummary } from '../store/trace-aggregate.js';
import type { TraceFacets as Facets, TraceDetail, TracePage } from '../store/trace-store.js';

export type { Facets, FeedbackRecord, SpanRecord, TraceDetail, TracePage, TraceSummary };

/** What the page posts as feedback. */
export interface FeedbackPost {
  traceId: string;
  spanId?: string;
  name: string;
  value: boolean | number | string;
  rationale?: string;
  expectations?: Record<string, unknown>;
  source: { type: 'human'; id?: string };
}

/** An error answer of the API, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const message =
      body && typeof body === 'object' && typeof (body as { error?: unknown }).error === 'string'
        ? (body as { error: string }).error
        : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message);
  }
  return body as T;
}

/** Query string of non-empty values. */
export function queryString(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== '') q.set(key, value);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

/** The API client. */
export const api = {
  traces: (filters: Record<string, string | undefined>, cursor?: string, limit = 50) =>
    request<TracePage>(`/api/traces${queryString({ ...filters, limit: String(limit), cursor })}`),
  trace: (traceId: string) => request<TraceDetail>(`/api/traces/${encodeURIComponent(traceId)}`),
  facets: () => request<Facets>('/api/facets'),
  feedback: (traceId: string) =>
    request<{ feedback: FeedbackRecord[]; nextCursor: string | null }>(
      `/api/feedback${queryString({ traceId, limit: '500' })}`,
    ),
  postFeedback: (body: FeedbackPost) =>
    request<FeedbackRecord>('/api/feedback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
};
