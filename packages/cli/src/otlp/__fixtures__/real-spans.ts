/**
 * Real spans for the OTLP decoder tests: made by the OpenTelemetry SDK under a Glassbox setup (the global
 * provider), exported into the in-memory exporter, plus an independent expectation of the record each
 * should decode to, computed from the ReadableSpan itself.
 */
import { SpanType, withSpan } from '@glassbox/core';
import { setupGlassbox } from '@glassbox/test-harness';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { exportRequestType } from '../../../../exporters/tests/otlp-receiver.js';
import type { Attrs, AttrValue, SpanRecord } from '../../store/span-record.js';

/** Attribute values the SDK's setAttribute refuses but OTLP carries (and other SDKs send). */
export const EXOTIC_ATTRIBUTES = {
  'big.positive': 2 ** 60,
  'big.negative': -(2 ** 60),
  'small.negative': -42,
  'max.safe': Number.MAX_SAFE_INTEGER,
  bytes: new Uint8Array([0, 1, 2, 250, 255]),
  nested: { a: 'x', b: [1, 'two', true, 3.5, { deep: [[]] }], c: { d: { e: false } } },
  'double.nan': Number.NaN,
  'double.inf': Number.NEGATIVE_INFINITY,
  'unicode.text': 'héllo ✓ 日本 🎉',
  'empty.text': '',
};

/** Exported spans of a small app: every kind, events, links, error status, exceptions, array attributes. */
export async function makeRealSpans(): Promise<ReadableSpan[]> {
  const { spans, glassbox } = setupGlassbox({
    serviceName: 'otlp-fixture-service',
    resourceAttributes: { 'deployment.environment': 'test', 'service.version': '9.9.9' },
  });
  const tracer = trace.getTracer('otlp-fixture-scope', '1.2.3');
  const linkTarget = tracer.startSpan('link target', { kind: SpanKind.PRODUCER });
  linkTarget.end();
  await withSpan({ name: 'agent run', type: SpanType.AGENT }, async (agent) => {
    agent.setInputs({ question: 'What is OTLP?' });
    await tracer.startActiveSpan(
      'chat gpt-4o',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 1234,
          'gen_ai.request.temperature': 0.25,
          'gen_ai.response.finish_reasons': ['stop', 'length'],
          'int.list': [1, 2, 3],
          'bool.list': [true, false],
          'float.list': [1.5, -2.25],
          flag: true,
        },
        links: [{ context: linkTarget.spanContext(), attributes: { 'link.reason': 'caused by' } }],
      },
      async (llm) => {
        llm.addEvent('first token', { 'token.index': 0 });
        llm.addEvent('done');
        llm.setStatus({ code: SpanStatusCode.OK });
        llm.end();
      },
    );
    const failing = tracer.startSpan('tool fails', { kind: SpanKind.INTERNAL });
    failing.recordException(new TypeError('bad argument'));
    failing.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed: bad argument' });
    failing.end();
    tracer.startSpan('http handler', { kind: SpanKind.SERVER }).end();
    tracer.startSpan('queue consumer', { kind: SpanKind.CONSUMER }).end();
  });
  const all = await spans();
  await glassbox.shutdown();
  return all;
}

/** A real span whose attributes are replaced by values only OTLP, not the JS SDK's setAttribute, allows. */
export function withExoticAttributes(
  span: ReadableSpan,
  attributes: object = EXOTIC_ATTRIBUTES,
): ReadableSpan {
  const fake = Object.create(span) as ReadableSpan;
  Object.defineProperty(fake, 'attributes', { value: attributes });
  return fake;
}

const nanos = (t: readonly [number, number]) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** What a span should decode to, written from the ReadableSpan without the decoder's helpers. */
export function expectedRecord(span: ReadableSpan): SpanRecord {
  const start = nanos(span.startTime);
  const end = nanos(span.endTime);
  const resource = attrs(span.resource.attributes as Record<string, unknown>);
  const record: SpanRecord = {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    startMs: Number(start) / 1e6,
    durationMs: Number(end - start) / 1e6,
    statusCode: span.status.code,
    serviceName: String(resource['service.name']),
    attributes: attrs(span.attributes as Record<string, unknown>),
    events: span.events.map((e) => ({
      name: e.name,
      timeUnixNano: nanos(e.time).toString(),
      attributes: attrs((e.attributes ?? {}) as Record<string, unknown>),
    })),
    links: span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: attrs((l.attributes ?? {}) as Record<string, unknown>),
    })),
    resource,
    scope: { name: span.instrumentationScope.name },
  };
  if (span.instrumentationScope.version) record.scope.version = span.instrumentationScope.version;
  if (span.parentSpanContext?.spanId) record.parentSpanId = span.parentSpanContext.spanId;
  if (span.status.message) record.statusMessage = span.status.message;
  return record;
}

function attrs(values: Record<string, unknown>): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(values)) out[k] = value(v);
  return out;
}

function value(v: unknown): AttrValue {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return Number.isInteger(v) && !Number.isSafeInteger(v) ? BigInt(v).toString() : v;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(value);
  if (v !== null && typeof v === 'object') return attrs(v as Record<string, unknown>);
  return v as AttrValue;
}

/** The request type parsed by protobufjs from the public opentelemetry-proto definitions (a second decoder). */
export const protobufjsRequestType = exportRequestType;
