/** A small HTTP client for the viewer tests: raw node:http, so a test can set any Host or Origin header. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json: () => any;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Sends the body in chunks of this size without a Content-Length (chunked transfer encoding). */
  chunkBytes?: number;
}

/** Sends one request to `url` (an `http://127.0.0.1:port/...` address) and reads the whole answer. */
export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers: Record<string, string> = { ...options.headers };
    if (body !== undefined && options.chunkBytes === undefined && !hasHeader(headers, 'content-length')) {
      headers['Content-Length'] = String(body.length);
    }
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers,
        agent: false,
        setHost: !hasHeader(headers, 'host'),
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          const text = all.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: all,
            text,
            json: () => JSON.parse(text),
          });
        });
        res.on('error', reject);
      },
    );
    // After a refusal the server drops the connection: a write error then is expected, not a failure.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body === undefined) return void req.end();
    if (options.chunkBytes === undefined) return void req.end(body);
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + options.chunkBytes!);
        offset += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

/** Reads a Server-Sent Events stream until `until` accepts the text received so far. */
export function readEvents(
  url: string,
  until: (text: string) => boolean,
  onOpen: () => void,
): Promise<{ text: string; headers: IncomingHttpHeaders }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, agent: false },
      (res) => {
        let text = '';
        let opened = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (!opened && text.includes(': connected')) {
            opened = true;
            onOpen();
          }
          if (until(text)) {
            resolve({ text, headers: res.headers });
            req.destroy();
          }
        });
        res.on('error', () => {});
      },
    );
    req.on('error', reject);
    req.end();
  });
}
