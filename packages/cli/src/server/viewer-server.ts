import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GlassboxConfigError } from '@glassbox/core';
import { assertOptions, type Rule, rules } from '@glassbox/core/instrumentation';
import { StoreInputError } from '../store/store-errors.js';
import { TraceStore } from '../store/trace-store.js';
import { handleApi } from './api-routes.js';
import { HttpError, send, sendError } from './http-io.js';
import { LiveEvents } from './live-events.js';
import { handleOtlp } from './otlp-route.js';
import { packageVersion } from './package-root.js';
import {
  allowedHostNames,
  bearerToken,
  checkSameOrigin,
  isLoopbackHost,
  presentedToken,
  tokenCookie,
  tokenMatches,
} from './request-guard.js';
import { ViewerStartError } from './viewer-start-error.js';
import { ASSET_TYPES, loadWebAssets, type WebAssets } from './web-assets.js';

/** Options for `startViewer`. */
export interface ViewerOptions {
  /** Port of the receiver and the page, default 4318 (OTLP/HTTP's); 0 picks a free one. */
  port?: number;
  /** Address to bind, default `127.0.0.1`; any non-loopback address requires `token`. */
  host?: string;
  /** A SQLite file (created), `:memory:`, or an open `TraceStore` (then the caller closes it). Default `:memory:`. */
  db?: string | TraceStore;
  /** Required on every request when set (Bearer header, `?token=` once, then a cookie). */
  token?: string;
  /** Retention: keep at most this many traces (oldest dropped first). */
  maxTraces?: number;
  /** Retention: keep the store under about this many bytes. */
  maxBytes?: number;
  /** Largest OTLP body, compressed and after decompression, default 16 MiB. */
  maxBodyBytes?: number;
}

/** A running viewer. */
export interface Viewer {
  /** `http://host:port`, the page's address and the `OTEL_EXPORTER_OTLP_ENDPOINT` to give apps. */
  url: string;
  port: number;
  host: string;
  store: TraceStore;
  /** Stops accepting requests, ends the live streams and closes the store it opened. */
  close(): Promise<void>;
}

const DEFAULT_PORT = 4318;
const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
const MAX_API_BODY_BYTES = 64 * 1024;

const OPTIONS = rules.object({
  port: rules.integer(0, 65535),
  host: rules.string({ nonEmpty: true }),
  db: rules.anyOf(
    rules.string({ nonEmpty: true }),
    rules.withMethods('a TraceStore', ['insertSpans', 'listTraces', 'getTrace', 'close']),
  ),
  token: rules.string({ nonEmpty: true }),
  maxTraces: rules.integer(1),
  maxBytes: rules.integer(1),
  maxBodyBytes: rules.integer(1),
} satisfies Record<keyof ViewerOptions, Rule>);

/** The page's policy: its own script and style files only, nothing inline, no framing. */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_PATHS: Record<string, keyof WebAssets> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};

/**
 * Starts the OTLP/HTTP receiver (`/v1/traces`), the JSON API (`/api/*`) and the page on one port of
 * this machine.
 */
export async function startViewer(options: ViewerOptions = {}): Promise<Viewer> {
  assertOptions(options, OPTIONS, 'startViewer');
  const host = options.host ?? '127.0.0.1';
  const token = options.token;
  if (!isLoopbackHost(host) && token === undefined) {
    throw new GlassboxConfigError({
      option: 'token',
      envVar: 'GLASSBOX_UI_TOKEN',
      message: `--host ${host} is reachable from other machines, so the viewer needs a token: pass --token <secret> or set GLASSBOX_UI_TOKEN (or bind 127.0.0.1)`,
    });
  }
  const ownsStore = typeof options.db !== 'object';
  const store =
    typeof options.db === 'object'
      ? options.db
      : TraceStore.open({
          path: options.db ?? ':memory:',
          ...(options.maxTraces !== undefined ? { maxTraces: options.maxTraces } : {}),
          ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
        });
  const live = new LiveEvents();
  const version = packageVersion();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const names = allowedHostNames(host);
  let port = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const bearer = token !== undefined && tokenMatches(bearerToken(req), token);
    const refused = checkSameOrigin(req, names, port, bearer);
    if (refused) return sendError(req, res, refused.status, refused.reason);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      return sendError(req, res, 400, 'malformed request URL');
    }
    if (token !== undefined && !authorize(req, res, url, token, port)) return;
    try {
      if (url.pathname === '/v1/traces') return await handleOtlp({ store, live, maxBodyBytes }, req, res);
      if (url.pathname.startsWith('/api/')) {
        return await handleApi(
          { store, live, version, tokenRequired: token !== undefined, maxApiBodyBytes: MAX_API_BODY_BYTES },
          req,
          res,
          url,
        );
      }
      const asset = PAGE_PATHS[url.pathname];
      if (asset === undefined) throw new HttpError(404, `nothing at ${url.pathname}`);
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpError(405, `${req.method} is not allowed here; use GET`, { Allow: 'GET, HEAD' });
      }
      const assets = await loadWebAssets();
      send(req, res, 200, assets[asset], {
        'Content-Type': ASSET_TYPES[asset],
        'Cache-Control': 'no-cache',
        ...(asset === 'index.html' ? { 'Content-Security-Policy': PAGE_CSP } : {}),
      });
    } catch (error) {
      if (error instanceof HttpError) return sendError(req, res, error.status, error.message, error.headers);
      if (StoreInputError.isInstance(error)) return sendError(req, res, 400, error.message);
      if (!res.headersSent)
        return sendError(req, res, 500, `internal error: ${(error as Error)?.message ?? error}`);
      res.destroy();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  // A malformed request line or header never reaches the handler: answer 400 and drop the connection.
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  try {
    port = await listen(server, options.port ?? DEFAULT_PORT, host);
  } catch (error) {
    live.close();
    if (ownsStore) store.close();
    throw error;
  }
  const urlHost = isWildcard(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    store,
    close() {
      closing ??= new Promise<void>((resolve) => {
        live.close();
        server.close(() => {
          if (ownsStore) store.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]';
}

/** Lets a request with the token through; answers 401, or the redirect that turns `?token=` into a cookie. */
function authorize(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  token: string,
  port: number,
): boolean {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null) {
    if (!tokenMatches(fromQuery, token)) {
      sendError(req, res, 401, 'wrong token');
      return false;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && PAGE_PATHS[url.pathname] !== undefined) {
      // Keep the token out of the address bar, the history and Referer headers: a cookie carries it on.
      url.searchParams.delete('token');
      send(req, res, 302, '', {
        // One leading slash: `//host` would send the browser to another site.
        Location: `/${url.pathname.replace(/^\/+/, '')}${url.search}`,
        'Set-Cookie': tokenCookie(token, port),
        'Cache-Control': 'no-store',
      });
      return false;
    }
    return true;
  }
  if (tokenMatches(presentedToken(req, port), token)) return true;
  sendError(
    req,
    res,
    401,
    'this viewer needs its token: Authorization: Bearer <token>, or open the page once with ?token=<token>',
    {
      'WWW-Authenticate': 'Bearer realm="glassbox"',
    },
  );
  return false;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(ViewerStartError.fromListen(error, port, host));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
