import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { otlpExporter } from '@glassbox/exporters';
import { SpanKind } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordSpans, sampleTrace } from '../../exporters/tests/sample-spans.js';
import type { Viewer } from '../src/server/viewer-server.js';
import { readEvents, request } from './http-client.js';
import { useViewers } from './viewers.js';

const viewer = useViewers();

type ExportResult = Parameters<Parameters<SpanExporter['export']>[1]>[0];
/** `ExportResultCode.SUCCESS` of @opentelemetry/core. */
const SUCCESS = 0;

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** The sample trace (root, flagged rewrite, LLM call, failing tool) as the API returns it. */
async function expectSampleTraceStored(v: Viewer, sent: ReadableSpan[]): Promise<void> {
  const traceId = sent[0]!.spanContext().traceId;
  const list = (await request(`${v.url}/api/traces`)).json();
  expect(list.traces.map((t: { traceId: string }) => t.traceId)).toEqual([traceId]);
  expect(list.traces[0]).toMatchObject({
    rootName: 'answer_question',
    serviceName: 'glassbox-test',
    spanCount: 4,
  });
  const reply = await request(`${v.url}/api/traces/${traceId}`);
  expect(reply.status).toBe(200);
  const detail = reply.json();
  expect(detail.spans.map((s: { name: string }) => s.name).sort()).toEqual(
    ['answer_question', 'chat gpt-4o', 'execute_tool search', 'rewrite_query'].sort(),
  );
  const llm = detail.spans.find((s: { name: string }) => s.name === 'chat gpt-4o');
  expect(llm.attributes).toMatchObject({
    'gen_ai.usage.input_tokens': 512,
    'gen_ai.request.temperature': 0.7,
  });
  const tool = detail.spans.find((s: { name: string }) => s.name === 'execute_tool search');
  expect(tool).toMatchObject({ statusCode: 2, statusMessage: 'search backend timed out' });
}

describe('the viewer receives OTLP/HTTP from the real exporters', () => {
  for (const [protocol, compression] of [
    ['http/protobuf', 'none'],
    ['http/protobuf', 'gzip'],
    ['http/json', 'none'],
    ['http/json', 'gzip'],
  ] as const) {
    it(`stores spans sent by otlpExporter (${protocol}, ${compression}) and the API returns them`, async () => {
      const v = await viewer();
      const exporter = otlpExporter({ endpoint: `${v.url}/v1/traces`, protocol, compression });
      const spans = recordSpans(sampleTrace);
      const result = await exportSpans(exporter, spans);
      expect(result.code, String(result.error)).toBe(SUCCESS);
      await expectSampleTraceStored(v, spans);
      await exporter.shutdown();
    });
  }

  for (const [name, make] of [
    ['OTLPTraceExporter (proto)', (url: string) => new OtlpProtoExporter({ url })],
    [
      'OTLPTraceExporter (proto, gzip)',
      (url: string) => new OtlpProtoExporter({ url, compression: 'gzip' as never }),
    ],
    ['OTLPTraceExporter (http/json)', (url: string) => new OtlpHttpJsonExporter({ url })],
  ] as const) {
    it(`stores what the official OpenTelemetry SDK sends through ${name}`, async () => {
      const v = await viewer();
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'plain-otel-app' }),
        spanProcessors: [new BatchSpanProcessor(make(`${v.url}/v1/traces`))],
      });
      const tracer = provider.getTracer('plain');
      const root = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER });
      const traceId = root.spanContext().traceId;
      root.setAttribute('http.route', '/orders');
      root.end();
      await provider.forceFlush();
      const detail = (await request(`${v.url}/api/traces/${traceId}`)).json();
      expect(detail.spans).toEqual([
        expect.objectContaining({
          name: 'GET /orders',
          kind: 1,
          serviceName: 'plain-otel-app',
          attributes: expect.objectContaining({ 'http.route': '/orders' }),
        }),
      ]);
      await provider.shutdown();
    });
  }

  it('answers in the request format, with partial success for spans with invalid ids', async () => {
    const v = await viewer();
    const span = (traceId: string, name: string) => ({
      traceId,
      spanId: '00f067aa0ba902b7',
      name,
      kind: 1,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000500000000',
    });
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'json-app' } }] },
          scopeSpans: [
            {
              scope: { name: 'x' },
              spans: [span('4bf92f3577b34da6a3ce929d0e0e4736', 'good'), span('not-hex', 'bad')],
            },
          ],
        },
      ],
    });
    const reply = await request(`${v.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(reply.json().partialSuccess.rejectedSpans)).toBe(1);
    const detail = (await request(`${v.url}/api/traces/4bf92f3577b34da6a3ce929d0e0e4736`)).json();
    expect(detail.spans.map((s: { name: string }) => s.name)).toEqual(['good']);
  });

  it('refuses garbage with 400 and a reason, and keeps serving', async () => {
    const v = await viewer();
    const garbage = [
      { type: 'application/x-protobuf', body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x0a, 0x99]) },
      { type: 'application/json', body: Buffer.from('{"resourceSpans": [ {') },
      { type: 'application/json', body: Buffer.from('"just a string"') },
    ];
    for (const g of garbage) {
      const reply = await request(`${v.url}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': g.type },
        body: g.body,
      });
      expect(reply.status, g.body.toString('latin1')).toBe(400);
    }
    const json = await request(`${v.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(json.status).toBe(400);
    expect(json.json()).toMatchObject({ code: 3, message: expect.any(String) });
    expect(json.json().message.length).toBeGreaterThan(0);
    // Gzip that is not gzip.
    const badGzip = await request(`${v.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      body: Buffer.from('definitely not gzip'),
    });
    expect(badGzip.status).toBe(400);
    // Still serving: a good export goes through.
    const exporter = otlpExporter({ endpoint: `${v.url}/v1/traces` });
    const spans = recordSpans(sampleTrace);
    expect((await exportSpans(exporter, spans)).code).toBe(SUCCESS);
    await expectSampleTraceStored(v, spans);
    await exporter.shutdown();
  });

  it('never falls over on random bodies: each gets 200 or 400, and the viewer keeps serving', async () => {
    const v = await viewer();
    const otlpJson = fc.jsonValue().map((value) => Buffer.from(JSON.stringify({ resourceSpans: [value] })));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('application/x-protobuf', 'application/json'),
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)),
          otlpJson,
        ),
        fc.boolean(),
        async (type, body, gzip) => {
          const reply = await request(`${v.url}/v1/traces`, {
            method: 'POST',
            headers: { 'Content-Type': type, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) },
            body: gzip ? gzipSync(body) : body,
          });
          expect([200, 400]).toContain(reply.status);
        },
      ),
      { numRuns: 150 },
    );
    expect((await request(`${v.url}/api/traces`)).status).toBe(200);
  });

  it('answers 503 with Retry-After while another process holds the store locked, so exporters retry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-busy-'));
    try {
      const path = join(dir, 'traces.db');
      const v = await viewer({ db: path });
      const otlp = Buffer.from(ProtobufTraceSerializer.serializeRequest(recordSpans(sampleTrace))!);
      const other = new Database(path);
      try {
        other.exec('BEGIN EXCLUSIVE');
        // The viewer waits out its busy timeout (5 s), then gives up on this batch.
        const busy = await request(`${v.url}/v1/traces`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-protobuf' },
          body: otlp,
        });
        expect(busy.status).toBe(503);
        expect(busy.headers['retry-after']).toBe('1');
        other.exec('COMMIT');
      } finally {
        other.close();
      }
      const retried = await request(`${v.url}/v1/traces`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-protobuf' },
        body: otlp,
      });
      expect(retried.status).toBe(200);
      expect(v.store.info().spanCount).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown content type (415) and other methods (405)', async () => {
    const v = await viewer();
    const text = await request(`${v.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    const get = await request(`${v.url}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('refuses a body over the limit (413), declared or streamed, without reading it all', async () => {
    const v = await viewer({ maxBodyBytes: 4096 });
    const big = Buffer.alloc(64 * 1024, 1);
    const declared = await request(`${v.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: big,
    });
    expect(declared.status).toBe(413);
    const streamed = await request(`${v.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf' },
      body: big,
      chunkBytes: 1024,
    });
    expect(streamed.status).toBe(413);
    expect(streamed.headers.connection).toBe('close');
    expect((await request(`${v.url}/api/info`)).status).toBe(200);
  });

  it('refuses a gzip bomb (small body, huge when decompressed) with 413', async () => {
    const v = await viewer({ maxBodyBytes: 1024 * 1024 });
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const reply = await request(`${v.url}/v1/traces`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' },
      body: bomb,
    });
    expect(reply.status).toBe(413);
    expect((await request(`${v.url}/api/info`)).status).toBe(200);
  });

  it('tells open pages about new spans over Server-Sent Events', async () => {
    const v = await viewer();
    const spans = recordSpans(sampleTrace);
    const traceId = spans[0]!.spanContext().traceId;
    const exporter = otlpExporter({ endpoint: `${v.url}/v1/traces` });
    const { text, headers } = await readEvents(
      `${v.url}/api/live`,
      (t) => t.includes('event: spans'),
      () => void exportSpans(exporter, spans),
    );
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    const data = /event: spans\ndata: (.*)\n/.exec(text)![1]!;
    expect(JSON.parse(data)).toEqual({ traceIds: [traceId] });
    await exporter.shutdown();
  });
});
