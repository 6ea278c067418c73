// Jaeger v2 (v1.75.0, built from the Go module proxy), in-memory storage, its OTLP/HTTP receiver and
// query API on loopback ports: the demo's traces as Jaeger stores and serves them.
import { otlpExporter } from '@glassbox/exporters';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { fetchJson, waitFor } from './support/backend-process.js';
import { startJaeger } from './support/backend-servers.js';
import { backendSuite, SERVICE } from './support/backend-suite.js';
import { LARGE_VALUE_CHARS, SESSION } from './support/run-demo.js';

interface JaegerV1Span {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  tags: { key: string; type: string; value: unknown }[];
  logs: { timestamp: number; fields: { key: string; type: string; value: unknown }[] }[];
  processID: string;
}
interface JaegerV1Trace {
  traceID: string;
  spans: JaegerV1Span[];
  processes: Record<string, { serviceName: string; tags: { key: string; value: unknown }[] }>;
}
/** OTLP/JSON as the v3 API serves it. */
interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
  events?: { name: string; attributes?: { key: string; value: Record<string, unknown> }[] }[];
}

backendSuite(
  'Jaeger v2 (real server)',
  {
    start: startJaeger,
    exporter: ({ otlpUrl }) => otlpExporter({ preset: 'jaeger', endpoint: `${otlpUrl}/v1/traces` }),
  },
  (run) => {
    const traceIds = () => [...new Set(run.demo.spans.map((s) => s.spanContext().traceId))];
    const spansOf = (traceId: string) => run.demo.spans.filter((s) => s.spanContext().traceId === traceId);

    /** The trace from the v1 API (what the UI reads), once Jaeger has every span of it. */
    async function v1Trace(traceId: string): Promise<JaegerV1Trace> {
      const expected = spansOf(traceId).length;
      return waitFor(
        async () => {
          const body = await fetchJson<{ data: JaegerV1Trace[] }>(`${run.queryUrl}/api/traces/${traceId}`);
          const found = body.data[0];
          return found && found.spans.length >= expected ? found : undefined;
        },
        15_000,
        () =>
          `Jaeger did not serve trace ${traceId} with ${expected} spans; log tail:\n${run.server.logTail()}`,
      );
    }

    async function v3Spans(traceId: string): Promise<OtlpJsonSpan[]> {
      await v1Trace(traceId);
      const body = await fetchJson<{
        result: { resourceSpans: { scopeSpans: { spans: OtlpJsonSpan[] }[] }[] };
      }>(`${run.queryUrl}/api/v3/traces/${traceId}`);
      return body.result.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    }

    it('exported without errors and lists the service', async () => {
      expect(run.demo.exportErrors).toBe(0);
      const services = await waitFor(
        async () => {
          const body = await fetchJson<{ data: string[] | null }>(`${run.queryUrl}/api/services`);
          return body.data?.includes(SERVICE) ? body.data : undefined;
        },
        15_000,
        () => `service ${SERVICE} never listed; log tail:\n${run.server.logTail()}`,
      );
      expect(services).toContain(SERVICE);
    });

    it('stores every span of every trace, each under its parent, with the service name', async () => {
      // Three turns, the feedback (a child span inside the third turn's trace), the large value.
      expect(traceIds()).toHaveLength(4);
      for (const traceId of traceIds()) {
        const stored = await v1Trace(traceId);
        const sent = spansOf(traceId);
        expect(stored.spans.map((s) => s.spanID).sort()).toEqual(
          sent.map((s) => s.spanContext().spanId).sort(),
        );
        for (const span of sent) {
          const got = stored.spans.find((s) => s.spanID === span.spanContext().spanId)!;
          expect(got.operationName).toBe(span.name);
          // The UI nests a span under its first reference. The feedback span's link to the span it
          // judges (also its parent) is merged into that reference as FOLLOWS_FROM by Jaeger's v1 model.
          const parent = got.references[0]?.spanID;
          expect(parent, `${span.name} ${JSON.stringify(got.references)}`).toBe(
            span.parentSpanContext?.spanId,
          );
          expect(stored.processes[got.processID]?.serviceName).toBe(SERVICE);
        }
      }
    });

    it('keeps the attributes with their types: Glassbox keys, gen_ai.*, session and user', async () => {
      const [first] = run.demo.turns;
      const spans = await v3Spans(first!.traceId);
      const sent = spansOf(first!.traceId);
      for (const span of sent) {
        const got = spans.find((s) => s.spanId === span.spanContext().spanId)!;
        const attrs = Object.fromEntries((got.attributes ?? []).map((a) => [a.key, plain(a.value)]));
        for (const [key, value] of Object.entries(span.attributes)) {
          expect(attrs[key], `${span.name} ${key}`).toEqual(value);
        }
        // The jaeger preset adds no other convention's keys.
        expect(Object.keys(attrs).filter((k) => /^(openinference|mlflow|langfuse|llm)\./.test(k))).toEqual(
          [],
        );
      }
      const llm = sent.find((s) => s.attributes['glassbox.span.type'] === 'LLM')!;
      const got = spans.find((s) => s.spanId === llm.spanContext().spanId)!;
      const tokens = got.attributes?.find((a) => a.key === 'gen_ai.usage.input_tokens')?.value;
      expect(tokens).toHaveProperty('intValue');
      expect(sent.every((s) => s.attributes['session.id'] === SESSION.sessionId)).toBe(true);
    });

    it('keeps span events: the flagged rewrite and the evaluation result on the feedback span', async () => {
      const flagged = run.demo.spans.find((s) => s.attributes['glassbox.rewrite.flagged'] === true)!;
      const stored = await v1Trace(flagged.spanContext().traceId);
      const rewrite = stored.spans.find((s) => s.spanID === flagged.spanContext().spanId)!;
      const sentEvents = flagged.events.map((e) => e.name);
      expect(sentEvents.length).toBeGreaterThan(0);
      expect(rewrite.logs.map((l) => l.fields.find((f) => f.key === 'event')?.value)).toEqual(sentEvents);
      expect(rewrite.tags).toContainEqual(
        expect.objectContaining({ key: 'glassbox.rewrite.flagged', value: true }),
      );

      const feedback = run.demo.spans.find((s) => s.spanContext().spanId === run.demo.feedback.spanId)!;
      const spans = await v3Spans(run.demo.feedback.traceId);
      const got = spans.find((s) => s.spanId === run.demo.feedback.spanId)!;
      expect(got.parentSpanId).toBe(run.demo.turns.at(-1)!.spanId);
      expect((got.events ?? []).map((e) => e.name)).toEqual(feedback.events.map((e) => e.name));
    });

    it('keeps a large value whole, up to the limit', async () => {
      const spans = await v3Spans(run.demo.large.traceId);
      const sent = run.demo.spans.find((s: ReadableSpan) => s.name === 'load_document')!;
      const outputs = spans[0]?.attributes?.find((a) => a.key === 'glassbox.outputs')?.value;
      expect(sent.attributes['glassbox.outputs']).toBe(JSON.stringify(run.demo.large.value));
      expect(plain(outputs ?? {})).toBe(JSON.stringify(run.demo.large.value));
      expect(String(plain(outputs ?? {})).length).toBeGreaterThan(LARGE_VALUE_CHARS);
    });
  },
);

/** An OTLP/JSON AnyValue as a plain value (int64 comes as a decimal string). */
function plain(value: Record<string, unknown>): unknown {
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) {
    const values = (value.arrayValue as { values?: Record<string, unknown>[] }).values ?? [];
    return values.map(plain);
  }
  return value;
}
