import type { Script } from './script.js';

/** The endpoint a request was routed to; `undefined` for unknown paths. */
export type WireApi = 'chat.completions' | 'responses' | 'embeddings' | 'models' | 'messages';

/** One HTTP request as the server received it. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** The path with the query string, as sent. */
  url: string;
  /** Lower-cased header names, as Node parses them. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (`undefined` when there was none). */
  body: unknown;
  api: WireApi | undefined;
  /** Whether the body asked for a stream (`stream: true`). */
  stream: boolean;
}

/** Produces the reply for a request when no script is queued (may be async). */
export type Responder = (request: RecordedRequest) => Script | Promise<Script>;
