import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request the viewer refuses, as a status and the reason sent back. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Headers every response carries. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Reads a whole request body, refusing (413) past `limit` bytes without reading the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (error) {
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = (error: Error) =>
      finish(new HttpError(400, `could not read the request body: ${error.message}`));
    const onAborted = () => finish(new HttpError(400, 'the request was aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `request body over the limit of ${limit} bytes`);
}

/** Sends a complete response; after a refused upload, closes the connection instead of reading the rest. */
export function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Buffer | string,
  headers: Record<string, string>,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const unread = !req.complete;
  res.writeHead(status, {
    ...BASE_HEADERS,
    ...headers,
    'Content-Length': String(Buffer.byteLength(body)),
    ...(unread ? { Connection: 'close' } : {}),
  });
  res.end(body);
  if (unread) {
    // What is left of a body we will not read: drop the connection once the answer is out.
    res.once('finish', () => req.socket.destroy());
  }
}

/** Sends JSON with the API's headers. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(req, res, status, JSON.stringify(value), {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
}

/** Sends `{ "error": message }`. */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(req, res, status, { error: message }, headers);
}

/** Writes a download line by line, waiting for the socket to drain between writes. */
export async function sendLines(
  res: ServerResponse,
  fileName: string,
  contentType: string,
  lines: Iterable<string>,
): Promise<void> {
  res.writeHead(200, {
    ...BASE_HEADERS,
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'Content-Disposition': `attachment; filename="${fileName}"`,
  });
  let batch = '';
  for (const line of lines) {
    batch += line;
    if (batch.length >= 64 * 1024) {
      const flushed = res.write(batch);
      batch = '';
      if (!flushed) await drained(res);
      if (res.destroyed) return;
    }
  }
  res.end(batch);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
