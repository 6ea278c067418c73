/**
 * A real OTLP/HTTP traces receiver for tests: node:http on 127.0.0.1, decoding OTLP/JSON and
 * OTLP/protobuf (with a schema parsed from the public opentelemetry-proto definitions in
 * `__fixtures__/otlp-proto`), gunzipping when asked. It shares no code with the exporters under test.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/** An attribute value as it travelled, tagged with its OTLP type (int64 read as a JS number). */
export type WireValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: number }
  | { doubleValue: number }
  | { bytesValue: string }
  | { arrayValue: WireValue[] }
  | { kvlistValue: Record<string, WireValue> }
  | { empty: true };

export interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, WireValue>;
  events: { name: string; timeUnixNano: string; attributes: Record<string, WireValue> }[];
  links: { traceId: string; spanId: string; attributes: Record<string, WireValue> }[];
  status: { code: number; message?: string };
  resource: Record<string, WireValue>;
  scope: { name: string; version?: string };
}

export interface ReceivedExport {
  /** Milliseconds since the receiver started. */
  atMs: number;
  path: string;
  headers: IncomingHttpHeaders;
  encoding: 'protobuf' | 'json';
  gzip: boolean;
  spans: ReceivedSpan[];
}

export interface OtlpReply {
  status: number;
  headers?: Record<string, string>;
  /** Answer this long after the request arrived: a slow but alive backend. */
  delayMs?: number;
  /** Drop the connection instead of answering (the client sees ECONNRESET). */
  reset?: boolean;
}

export interface OtlpReceiver {
  /** `http://127.0.0.1:<port>/v1/traces` */
  url: string;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  exports: ReceivedExport[];
  /** Every request, including the ones answered with an error status. */
  attempts: { atMs: number; status: number }[];
  spans(): ReceivedSpan[];
  waitForExports(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A port nobody listens on: bound once, then released, so connections are refused at once. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections, reads what is sent and never answers. */
export interface BlackHole {
  /** `http://127.0.0.1:<port>/v1/traces` */
  url: string;
  /** Connections accepted so far. */
  accepted(): number;
  /** Connections the client has not closed yet. */
  open(): number;
  /** Resolves once `count` connections were accepted and have sent something. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startBlackHole(): Promise<BlackHole> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  let requested = 0;
  const server = createTcpServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.once('data', () => requested++);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    accepted: () => accepted,
    open: () => sockets.size,
    async waitForRequests(count, timeoutMs = 5000) {
      const until = performance.now() + timeoutMs;
      while (requested < count) {
        if (performance.now() > until) throw new Error(`black hole got ${requested} of ${count} requests`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const protoDir = new URL('./__fixtures__/otlp-proto/', import.meta.url);
let requestType: protobuf.Type | undefined;

/** The request type parsed by protobufjs from the public opentelemetry-proto definitions (a second decoder). */
export function exportRequestType(): protobuf.Type {
  if (!requestType) {
    const root = new protobuf.Root();
    for (const file of ['common.proto', 'resource.proto', 'trace.proto', 'trace_service.proto']) {
      protobuf.parse(readFileSync(new URL(file, protoDir), 'utf8'), root, { keepCase: false });
    }
    root.resolveAll();
    requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  return requestType;
}

/** Starts a receiver; `reply(n)` picks the answer to the n-th request (0-based), default 200. */
export async function startOtlpReceiver(
  reply: (attempt: number) => OtlpReply = () => ({ status: 200 }),
): Promise<OtlpReceiver> {
  const started = performance.now();
  const exports: ReceivedExport[] = [];
  const attempts: { atMs: number; status: number }[] = [];
  const waiters = new Set<() => void>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const atMs = performance.now() - started;
      const answer = reply(attempts.length);
      attempts.push({ atMs, status: answer.status });
      if (answer.reset) {
        req.socket.destroy();
        return;
      }
      const contentType = String(req.headers['content-type'] ?? '');
      if (answer.status < 300) {
        const gzip = req.headers['content-encoding'] === 'gzip';
        const raw = Buffer.concat(chunks);
        const body = gzip ? gunzipSync(raw) : raw;
        const encoding = contentType.includes('json') ? 'json' : 'protobuf';
        const request =
          encoding === 'json'
            ? JSON.parse(body.toString('utf8'))
            : exportRequestType().toObject(exportRequestType().decode(body), {
                longs: String,
                enums: Number,
              });
        exports.push({
          atMs,
          path: req.url ?? '',
          headers: req.headers,
          encoding,
          gzip,
          spans: flatten(request),
        });
        for (const wake of waiters) wake();
      }
      const send = () => {
        res.writeHead(answer.status, {
          'content-type': contentType || 'application/json',
          ...answer.headers,
        });
        res.end();
      };
      if (answer.delayMs) {
        const timer = setTimeout(send, answer.delayMs);
        res.on('close', () => clearTimeout(timer));
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: `${baseUrl}/v1/traces`,
    baseUrl,
    exports,
    attempts,
    spans: () => exports.flatMap((e) => e.spans),
    waitForExports(count, timeoutMs = 5000) {
      if (exports.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver got ${exports.length} of ${count} exports in ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (exports.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function flatten(request: any): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = {
        name: ss.scope?.name ?? '',
        ...(ss.scope?.version ? { version: ss.scope.version } : {}),
      };
      for (const s of ss.spans ?? []) {
        const parent = id(s.parentSpanId);
        out.push({
          name: s.name,
          traceId: id(s.traceId),
          spanId: id(s.spanId),
          ...(parent ? { parentSpanId: parent } : {}),
          kind: Number(s.kind ?? 0),
          startTimeUnixNano: String(s.startTimeUnixNano),
          endTimeUnixNano: String(s.endTimeUnixNano),
          attributes: attrs(s.attributes),
          events: (s.events ?? []).map((e: any) => ({
            name: e.name,
            timeUnixNano: String(e.timeUnixNano),
            attributes: attrs(e.attributes),
          })),
          links: (s.links ?? []).map((l: any) => ({
            traceId: id(l.traceId),
            spanId: id(l.spanId),
            attributes: attrs(l.attributes),
          })),
          status: {
            code: Number(s.status?.code ?? 0),
            ...(s.status?.message ? { message: s.status.message } : {}),
          },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** Protobuf gives bytes, OTLP/JSON gives hex. */
function id(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return Buffer.from(value as Uint8Array).toString('hex');
}

function attrs(list: any[] | undefined): Record<string, WireValue> {
  const out: Record<string, WireValue> = {};
  for (const kv of list ?? []) out[kv.key] = wire(kv.value ?? {});
  return out;
}

function wire(v: any): WireValue {
  if (v.stringValue !== undefined) return { stringValue: v.stringValue };
  if (v.boolValue !== undefined) return { boolValue: v.boolValue };
  if (v.intValue !== undefined) return { intValue: Number(v.intValue) };
  if (v.doubleValue !== undefined) return { doubleValue: Number(v.doubleValue) };
  if (v.bytesValue !== undefined) {
    // OTLP/JSON carries base64 already; protobuf gives raw bytes.
    const b64 =
      typeof v.bytesValue === 'string' ? v.bytesValue : Buffer.from(v.bytesValue).toString('base64');
    return { bytesValue: b64 };
  }
  if (v.arrayValue !== undefined) return { arrayValue: (v.arrayValue.values ?? []).map(wire) };
  if (v.kvlistValue !== undefined) return { kvlistValue: attrs(v.kvlistValue.values) };
  return { empty: true };
}
