import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { anthropicErrorBody, messageBody, messageEvents } from './anthropic-wire.js';
import { echoResponder } from './conversation.js';
import {
  chatCompletionBody,
  chatCompletionEvents,
  embeddingsBody,
  modelsBody,
  openaiErrorBody,
  responseBody,
  responseEvents,
} from './openai-wire.js';
import type { RecordedRequest, Responder, WireApi } from './request.js';
import { resolveCompletion, type Script, type ScriptError } from './script.js';
import { type SseEvent, sse } from './sse.js';

/** Options for `startFakeLlmServer`. */
export interface FakeLlmServerOptions {
  /** Defaults to 0: an ephemeral port chosen by the OS. */
  port?: number;
  /** Defaults to `127.0.0.1`. */
  host?: string;
  /** Answers requests when no script is queued; defaults to `echoResponder`. */
  responder?: Responder;
}

/** A running fake LLM server. */
export interface FakeLlmServer {
  /** For example `http://127.0.0.1:PORT`. */
  url: string;
  /** `url + '/v1'`, for `new OpenAI({ baseURL })`. */
  openaiBaseURL: string;
  /** `url` (the Anthropic SDK appends `/v1/messages`), for `new Anthropic({ baseURL })`. */
  anthropicBaseURL: string;
  /** Every request received, in arrival order (cleared in place by `reset()`). */
  requests: RecordedRequest[];
  /** Stops listening and destroys every open connection, including idle keep-alive ones. */
  close(): Promise<void>;
  /** Queues replies; each model request (chat, responses, messages, embeddings) consumes the next one. */
  enqueue(...scripts: Script[]): void;
  /** Clears queued scripts and recorded requests, and restarts the deterministic id counter. */
  reset(): void;
}

type Obj = Record<string, unknown>;

const ROUTES: Record<string, WireApi> = {
  'POST /v1/chat/completions': 'chat.completions',
  'POST /v1/responses': 'responses',
  'POST /v1/embeddings': 'embeddings',
  'GET /v1/models': 'models',
  'POST /v1/messages': 'messages',
};

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasContent = (s: Script) =>
  s.text !== undefined || s.toolCalls !== undefined || s.thinking !== undefined;

/** Starts a local HTTP server speaking the OpenAI and Anthropic wire formats (JSON and SSE). */
export async function startFakeLlmServer(options: FakeLlmServerOptions = {}): Promise<FakeLlmServer> {
  const responder = options.responder ?? echoResponder;
  const host = options.host ?? '127.0.0.1';
  const requests: RecordedRequest[] = [];
  const queue: Script[] = [];
  // Aborted by close(), so pending delays end at once instead of holding the process open.
  const closing = new AbortController();
  let seq = 0;

  const nextScript = async (request: RecordedRequest): Promise<Script> => {
    const queued = queue.shift();
    if (queued && (hasContent(queued) || queued.error)) return queued;
    // A queued script without content (e.g. only `cutAfterChunks`) takes its content from the responder.
    const answer = await responder(request);
    return queued ? { ...answer, ...queued } : answer;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readBody(req);
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake-llm').pathname;
    const api = ROUTES[`${method} ${path}`];
    let body: unknown;
    let malformed = false;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      malformed = true;
      body = raw;
    }
    const stream = isObj(body) && body.stream === true;
    const request: RecordedRequest = {
      method,
      path,
      url: req.url ?? path,
      headers: req.headers,
      body,
      api,
      stream,
    };
    requests.push(request);
    const id = ++seq;
    const anthropic =
      api === 'messages' || (api === undefined && req.headers['anthropic-version'] !== undefined);
    const requestIdHeader: Record<string, string> = {
      [anthropic ? 'request-id' : 'x-request-id']: `req_fake${id}`,
    };

    const sendError = (error: ScriptError) => {
      const errorBody = anthropic
        ? anthropicErrorBody(error.status, error, `req_fake${id}`)
        : openaiErrorBody(error.status, error);
      // retry-after-ms is honoured by both SDKs; a small value keeps retry tests fast.
      const retryAfter = { 'retry-after-ms': String(error.retryAfterMs ?? 1) };
      sendJson(res, error.status, errorBody, { ...requestIdHeader, ...retryAfter });
    };

    if (api === undefined) {
      return sendError({ status: 404, message: anthropic ? 'Not found' : `Invalid URL (${method} ${path})` });
    }
    if (api === 'models') return sendJson(res, 200, modelsBody(), requestIdHeader);
    if (malformed || !isObj(body)) {
      return sendError({ status: 400, message: 'We could not parse the JSON body of your request.' });
    }

    const script = await nextScript(request);
    if (script.latencyMs) await sleep(script.latencyMs, closing.signal);
    if (res.destroyed) return;
    if (script.error) return sendError(script.error);
    if (script.cutAfterChunks !== undefined && !stream) {
      // A non-streaming reply has no chunks to cut after: the connection is reset before any response.
      req.socket.destroy();
      return;
    }

    const c = resolveCompletion(script, body, id);
    switch (api) {
      case 'embeddings':
        return sendJson(res, 200, embeddingsBody(body, c.model, script.usage?.inputTokens), requestIdHeader);
      case 'chat.completions':
        return stream
          ? writeStream(res, chatCompletionEvents(c, body), script, requestIdHeader, closing.signal)
          : sendJson(res, 200, chatCompletionBody(c, body), requestIdHeader);
      case 'responses':
        return stream
          ? writeStream(res, responseEvents(c, body), script, requestIdHeader, closing.signal)
          : sendJson(res, 200, responseBody(c, body), requestIdHeader);
      case 'messages':
        return stream
          ? writeStream(res, messageEvents(c), script, requestIdHeader, closing.signal)
          : sendJson(res, 200, messageBody(c), requestIdHeader);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A throwing responder must fail the request visibly, not hang it.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = `fake-llm: ${error instanceof Error ? error.message : String(error)}`;
      sendJson(res, 500, openaiErrorBody(500, { message }), {});
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    enqueue: (...scripts) => {
      queue.push(...scripts);
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      seq = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        // close() alone waits for idle keep-alive sockets; closeAllConnections() ends them now.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

async function writeStream(
  res: ServerResponse,
  events: SseEvent[],
  script: Script,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  res.flushHeaders();
  for (const [index, event] of events.entries()) {
    if (index === script.cutAfterChunks) return cut(res);
    if (index > 0 && script.chunkDelayMs) await sleep(script.chunkDelayMs, signal);
    // The client went away (e.g. broke out of its loop) or the server is closing.
    if (res.destroyed || signal.aborted) return;
    await new Promise<void>((resolve) => res.write(sse([event]), () => resolve()));
  }
  if (script.cutAfterChunks === events.length) return cut(res);
  res.end();
}

/** Ends the connection mid-body: what was written is flushed, but the chunked body is never terminated. */
function cut(res: ServerResponse): void {
  const socket = res.socket;
  if (socket) socket.end(() => socket.destroy());
  else res.destroy();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
