import { GlassboxConfigError } from '@glassbox/core';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../tests/otlp-receiver.js';
import { recordSpans, sampleTrace } from '../tests/sample-spans.js';
import { otlpExporter } from './otlp-exporter.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(...args: Parameters<typeof startOtlpReceiver>): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver(...args);
  open.push(r);
  return r;
}

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

function byName(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const span = spans.find((s) => s.name === name);
  if (!span) throw new Error(`no span named ${name}`);
  return span;
}

/** What the sample trace must look like on the wire, whatever the encoding. */
function expectSampleTrace(received: ReceivedSpan[], sent: ReadableSpan[]) {
  expect(received).toHaveLength(4);
  const root = byName(received, 'answer_question');
  const llm = byName(received, 'chat gpt-4o');
  const rewrite = byName(received, 'rewrite_query');
  const tool = byName(received, 'execute_tool search');
  const sentRoot = sent.find((s) => s.name === 'answer_question')!;

  expect(root.traceId).toBe(sentRoot.spanContext().traceId);
  expect(root.spanId).toBe(sentRoot.spanContext().spanId);
  expect(root.parentSpanId).toBeUndefined();
  for (const s of [llm, rewrite, tool]) {
    expect(s.traceId).toBe(root.traceId);
    expect(s.parentSpanId).toBe(root.spanId);
  }
  expect(BigInt(root.endTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(root.startTimeUnixNano));
  expect(root.resource['service.name']).toEqual({ stringValue: 'glassbox-test' });
  expect(root.scope).toEqual({ name: 'glassbox-test', version: '1.2.3' });

  expect(llm.kind).toBe(3); // CLIENT
  expect(root.kind).toBe(1); // INTERNAL
  expect(llm.attributes).toMatchObject({
    'glassbox.span.type': { stringValue: 'LLM' },
    'gen_ai.usage.input_tokens': { intValue: 512 },
    'gen_ai.usage.output_tokens': { intValue: 128 },
    'gen_ai.request.temperature': { doubleValue: 0.7 },
    'glassbox.test.stream': { boolValue: false },
    'gen_ai.request.stop_sequences': { arrayValue: [{ stringValue: '\n\n' }, { stringValue: 'END' }] },
    'glassbox.test.counts': { arrayValue: [{ intValue: 1 }, { intValue: 2 }, { intValue: 3 }] },
  });
  expect(rewrite.attributes['glassbox.rewrite.flagged']).toEqual({ boolValue: true });
  expect(llm.events).toEqual([
    expect.objectContaining({
      name: 'gen_ai.choice',
      attributes: { index: { intValue: 0 }, 'finish.reason': { stringValue: 'stop' } },
    }),
  ]);
  expect(llm.links).toEqual([
    {
      traceId: root.traceId,
      spanId: rewrite.spanId,
      attributes: { 'link.kind': { stringValue: 'rewrite' } },
    },
  ]);
  expect(tool.status).toEqual({ code: 2, message: 'search backend timed out' });
}

describe('otlpExporter against a real OTLP/HTTP receiver', () => {
  it('sends protobuf by default, with typed attributes, resource, scope, events, links and headers', async () => {
    const r = await receiver();
    const spans = recordSpans(sampleTrace);
    const exporter = otlpExporter({ endpoint: r.url, headers: { 'X-Team': 'search' } });
    expect(exporter.protocol).toBe('http/protobuf');

    expect(await exportSpans(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });
    const [received] = r.exports;
    expect(received).toMatchObject({ path: '/v1/traces', encoding: 'protobuf', gzip: false });
    expect(received!.headers['content-type']).toBe('application/x-protobuf');
    expect(received!.headers['x-team']).toBe('search');
    expectSampleTrace(received!.spans, spans);
    await exporter.shutdown();
  });

  it('sends gzipped OTLP/JSON when asked, decoding to the same trace', async () => {
    const r = await receiver();
    const spans = recordSpans(sampleTrace);
    const exporter = otlpExporter({ endpoint: r.url, protocol: 'http/json', compression: 'gzip' });

    expect((await exportSpans(exporter, spans)).code).toBe(ExportResultCode.SUCCESS);
    const [received] = r.exports;
    expect(received).toMatchObject({ encoding: 'json', gzip: true });
    expect(received!.headers['content-type']).toBe('application/json');
    expectSampleTrace(received!.spans, spans);
    await exporter.shutdown();
  });

  it('takes endpoint, headers, protocol and compression from the standard env vars', async () => {
    const r = await receiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', r.baseUrl);
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-api-key=s3cr%3Dt,x-scope=generic');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'x-scope=traces');
    vi.stubEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'http/json');
    vi.stubEnv('OTEL_EXPORTER_OTLP_COMPRESSION', 'gzip');
    const exporter = otlpExporter();
    expect(exporter.url).toBe(`${r.baseUrl}/v1/traces`);

    await exportSpans(exporter, recordSpans(sampleTrace));
    const [received] = r.exports;
    expect(received).toMatchObject({ path: '/v1/traces', encoding: 'json', gzip: true });
    expect(received!.headers).toMatchObject({ 'x-api-key': 's3cr=t', 'x-scope': 'traces' });
    await exporter.shutdown();
  });

  it('throws GlassboxConfigError at construction for a bad env value', () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc');
    expect(() => otlpExporter()).toThrow(GlassboxConfigError);
    expect(() => otlpExporter()).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });

  it('retries 503 then 429 (honouring Retry-After) with backoff, then delivers', async () => {
    const replies = [{ status: 503 }, { status: 429, headers: { 'retry-after': '1' } }, { status: 200 }];
    const r = await receiver((n) => replies[n] ?? { status: 200 });
    const exporter = otlpExporter({ endpoint: r.url, timeoutMs: 8000 });

    const result = await exportSpans(exporter, recordSpans(sampleTrace));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(r.attempts.map((a) => a.status)).toEqual([503, 429, 200]);
    const [a, b, c] = r.attempts.map((x) => x.atMs) as [number, number, number];
    // First backoff: 1000 ms ± 20% jitter; second: the server's Retry-After of 1 s.
    expect(b - a).toBeGreaterThan(750);
    expect(b - a).toBeLessThan(1600);
    expect(c - b).toBeGreaterThan(900);
    expect(c - b).toBeLessThan(1600);
    expect(r.spans()).toHaveLength(4);
    await exporter.shutdown();
  });

  it('gives up at once on a non-retryable status and reports it through the callback', async () => {
    const r = await receiver(() => ({ status: 400 }));
    const exporter = otlpExporter({ endpoint: r.url });
    const result = await exportSpans(exporter, recordSpans(sampleTrace));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(Error);
    expect(r.attempts).toHaveLength(1);
    await exporter.shutdown();
    expect((await exportSpans(exporter, recordSpans(sampleTrace))).code).toBe(ExportResultCode.FAILED);
  });
});

describe('otlpExporter presets against a real receiver', () => {
  it('phoenix: bearer key, x-project-name header and openinference.project.name resource attribute', async () => {
    const r = await receiver();
    vi.stubEnv('PHOENIX_API_KEY', 'phx_123');
    const exporter = otlpExporter({ preset: 'phoenix', baseUrl: r.baseUrl, projectName: 'support-bot' });
    await exportSpans(exporter, recordSpans(sampleTrace));

    const [received] = r.exports;
    expect(received!.path).toBe('/v1/traces');
    expect(received!.headers).toMatchObject({
      authorization: 'Bearer phx_123',
      'x-project-name': 'support-bot',
    });
    for (const span of received!.spans) {
      expect(span.resource).toMatchObject({
        'service.name': { stringValue: 'glassbox-test' },
        'openinference.project.name': { stringValue: 'support-bot' },
      });
    }
    await exporter.shutdown();
  });

  it('phoenix: an app that already names its project in the resource keeps it', async () => {
    const r = await receiver();
    const exporter = otlpExporter({ preset: 'phoenix', baseUrl: r.baseUrl, projectName: 'from-exporter' });
    const spans = recordSpans(sampleTrace, {
      'service.name': 'app',
      'openinference.project.name': 'from-app',
    });
    await exportSpans(exporter, spans);
    expect(r.spans()[0]!.resource['openinference.project.name']).toEqual({ stringValue: 'from-app' });
    // The exporter never mutates the spans it was given.
    expect(spans[0]!.resource.attributes['openinference.project.name']).toBe('from-app');
    await exporter.shutdown();
  });

  it('langfuse: /api/public/otel/v1/traces with Basic auth and the ingestion-version header', async () => {
    const r = await receiver();
    vi.stubEnv('LANGFUSE_BASE_URL', r.baseUrl);
    vi.stubEnv('LANGFUSE_PUBLIC_KEY', 'pk-lf-1');
    vi.stubEnv('LANGFUSE_SECRET_KEY', 'sk-lf-2');
    const exporter = otlpExporter({ preset: 'langfuse' });
    await exportSpans(exporter, recordSpans(sampleTrace));

    const [received] = r.exports;
    expect(received!.path).toBe('/api/public/otel/v1/traces');
    expect(received!.headers.authorization).toBe(
      `Basic ${Buffer.from('pk-lf-1:sk-lf-2').toString('base64')}`,
    );
    expect(received!.headers['x-langfuse-ingestion-version']).toBe('4');
    await exporter.shutdown();
  });

  it('mlflow: tracking URI + /v1/traces with the experiment header; a missing experiment is a config error', async () => {
    const r = await receiver();
    vi.stubEnv('MLFLOW_TRACKING_URI', r.baseUrl);
    expect(() => otlpExporter({ preset: 'mlflow' })).toThrow(/MLFLOW_EXPERIMENT_ID/);
    vi.stubEnv('MLFLOW_EXPERIMENT_ID', '17');
    const exporter = otlpExporter({ preset: 'mlflow' });
    await exportSpans(exporter, recordSpans(sampleTrace));
    expect(r.exports[0]!.path).toBe('/v1/traces');
    expect(r.exports[0]!.headers['x-mlflow-experiment-id']).toBe('17');
    await exporter.shutdown();
  });
});
