// The app: calls the model service over HTTP and passes its trace along in the request headers.
// Run on its own (with the service running): MODEL_URL=http://127.0.0.1:PORT npx tsx examples/distributed/app.ts
import { fileURLToPath } from 'node:url';
import { currentTraceId, init, SpanType, trace, traceHeaders, withTraceContext } from '@glassbox/core';
import { consoleExporter, jsonFileExporter, otlpExporter } from '@glassbox/exporters';
import { SpanKind } from '@opentelemetry/api';

const modelUrl = process.env.MODEL_URL ?? 'http://127.0.0.1:8300';
const tracesFile =
  process.env.TRACES_FILE ?? fileURLToPath(new URL('./out/traces-app.jsonl', import.meta.url));
const glassbox = init({
  serviceName: 'support-app',
  exporters: [
    jsonFileExporter({ path: tracesFile }),
    consoleExporter(),
    ...(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? [otlpExporter()] : []),
  ],
});

/** The outgoing call: `traceHeaders()` adds `traceparent`, so the service's spans join this trace. */
const callModel = trace(
  async function callModel(prompt: string): Promise<string> {
    const response = await fetch(`${modelUrl}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...traceHeaders() },
      body: JSON.stringify({ prompt }),
    });
    if (!response.ok) throw new Error(`model service answered ${response.status}`);
    return ((await response.json()) as { text: string }).text;
  },
  // CLIENT: an outgoing call; the remote side's spans become its children.
  { type: SpanType.LLM, kind: SpanKind.CLIENT },
);

const ask = trace(
  async function ask(question: string): Promise<{ answer: string; traceId: string | undefined }> {
    const prompt = `Answer the customer briefly. Question: ${question}`;
    return { answer: await callModel(prompt), traceId: currentTraceId() };
  },
  { type: SpanType.CHAIN },
);

const result = await withTraceContext({ sessionId: 'session-1', userId: 'user-1' }, () =>
  ask('When will my order ship?'),
);
console.log(`answer: ${result.answer}`);
console.log(`trace id: ${result.traceId}`);
await glassbox.shutdown();
