// Traces for the page tests, made the way users make them: the real demo (traceOpenAI against the
// fake LLM server, traceRewrite, traceRetriever, defineTool, logFeedback) exporting with otlpExporter
// over protobuf, Glassbox-traced code in this process, and hand-written OTLP/JSON spans of other
// conventions (plain OpenTelemetry, OpenInference, the Vercel AI SDK) and of broken ones.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentSpan, type Glassbox, init, SpanType, trace } from '@glassbox/core';
import { otlpExporter } from '@glassbox/exporters';
import { startTs } from '../../../../examples/_support/processes.js';
import { request } from '../http-client.js';

/** Runs `pnpm demo` (three support-assistant turns and a feedback) against the viewer. */
export async function runDemo(viewerUrl: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-web-demo-'));
  try {
    const demo = startTs('examples/demo/main.ts', {
      OTEL_EXPORTER_OTLP_ENDPOINT: viewerUrl,
      DEMO_TRACES_FILE: join(dir, 'traces.jsonl'),
    });
    const code = await demo.exited;
    if (code !== 0) throw new Error(`the demo exited with ${code}: ${demo.stderr()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Glassbox in this process, exporting to the viewer in batches. */
export function glassboxTo(viewerUrl: string, serviceName: string): Glassbox {
  return init({
    serviceName,
    exporters: [otlpExporter({ endpoint: `${viewerUrl}/v1/traces` })],
    exportMode: 'batch',
    logLevel: 'none',
  });
}

/** A pipeline whose guardrail blocks the request. */
export const guardedAnswer = trace(
  async function guardedAnswer(question: string) {
    const verdict = await moderate(question);
    return verdict.allowed ? 'answered' : 'I cannot share other customers’ details.';
  },
  { name: 'guarded_answer', type: SpanType.CHAIN },
);

const moderate = trace(
  async function moderate(_text: string) {
    currentSpan()?.setAttributes({
      'glassbox.guardrail.name': 'pii-filter',
      'glassbox.guardrail.decision': 'block',
      'glassbox.guardrail.reason': 'asks for another customer’s home address',
      'glassbox.guardrail.score': 0.97,
      'glassbox.guardrail.policy': 'pii-v2',
    });
    return { allowed: false };
  },
  { name: 'moderation', type: SpanType.GUARDRAIL },
);

/** A pipeline whose tool throws. */
export const failingPipeline = trace(
  async function failingPipeline(sku: string) {
    return fetchInventory(sku);
  },
  { name: 'inventory_check', type: SpanType.CHAIN },
);

const fetchInventory = trace(
  async function fetchInventory(_sku: string): Promise<number> {
    throw new TypeError('inventory service answered 503 Service Unavailable');
  },
  { name: 'execute_tool fetch_inventory', type: SpanType.TOOL },
);

/** A markup payload that would run script if any of it were rendered as HTML. */
export const XSS = {
  name: '<img src=x onerror="window.__xss=1">',
  input: '<script>window.__xss=2</script><b onmouseover="window.__xss=3">bold?</b>',
  attribute: '<iframe src="javascript:window.__xss=4"></iframe>',
};

/** A trace whose span name, inputs and attributes are markup. */
export const xssTrace = trace(
  async function xss(text: string) {
    currentSpan()?.setAttribute('app.note', XSS.attribute);
    return `${text}<svg onload="window.__xss=5">`;
  },
  { name: XSS.name, type: SpanType.CHAIN },
);

/** A step with a value too long to show at once. */
export const longOutput = trace(
  async function longOutput(n: number) {
    return `${'All work and no play makes Jack a dull boy. '.repeat(n)}THE END`;
  },
  { name: 'long_context', type: SpanType.PROMPT },
);

/** A trace of exactly `spans` spans: a root, batches, items (the 1,000-span case of the tests and bench). */
export async function bigTrace(batches = 27, itemsPerBatch = 36): Promise<void> {
  const item = trace(
    function importItem(i: number) {
      return i * 2;
    },
    { name: 'import_item', type: SpanType.PARSER },
  );
  const batch = trace(
    async function importBatch(b: number) {
      for (let i = 0; i < itemsPerBatch; i++) item(b * itemsPerBatch + i);
      await new Promise((r) => setTimeout(r, 1));
    },
    { name: 'import_batch', type: SpanType.CHAIN },
  );
  await trace(
    async function bulkImport() {
      for (let b = 0; b < batches; b++) await batch(b);
    },
    { name: 'bulk_import', type: SpanType.AGENT },
  )();
}

// Hand-written OTLP/JSON, for spans no Glassbox code makes.

type Value = string | number | boolean | string[];

function anyValue(v: Value): Record<string, unknown> {
  if (Array.isArray(v)) return { arrayValue: { values: v.map((x) => ({ stringValue: x })) } };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: v };
}

const kv = (attrs: Record<string, Value>) =>
  Object.entries(attrs).map(([key, value]) => ({ key, value: anyValue(value) }));

/** One hand-written span. */
export interface ForeignSpan {
  spanId?: string;
  parent?: string;
  name: string;
  /** OTLP's SpanKind: 1 INTERNAL, 2 SERVER, 3 CLIENT. */
  kind?: number;
  startOffsetMs: number;
  durationMs: number;
  attributes: Record<string, Value>;
  status?: { code: number; message?: string };
}

/** Posts spans of one trace as OTLP/JSON; returns the trace id and the span ids by name. */
export async function postForeignTrace(
  viewerUrl: string,
  serviceName: string,
  spans: ForeignSpan[],
  /** Adds to this trace instead; its `ids` name the spans it already has (for `parent`). */
  into?: { traceId: string; ids: Record<string, string> },
): Promise<{ traceId: string; ids: Record<string, string> }> {
  const traceId = into?.traceId ?? randomBytes(16).toString('hex');
  const ids: Record<string, string> = { ...into?.ids };
  for (const s of spans) ids[s.name] = s.spanId ?? randomBytes(8).toString('hex');
  const t0 = BigInt(Date.now()) * 1_000_000n;
  const ns = (ms: number) => String(t0 + BigInt(Math.round(ms * 1e6)));
  const body = {
    resourceSpans: [
      {
        resource: { attributes: kv({ 'service.name': serviceName, 'telemetry.sdk.language': 'python' }) },
        scopeSpans: [
          {
            scope: { name: 'hand-written', version: '1.0' },
            spans: spans.map((s) => ({
              traceId,
              spanId: ids[s.name],
              ...(s.parent ? { parentSpanId: ids[s.parent] } : {}),
              name: s.name,
              kind: s.kind ?? 1,
              startTimeUnixNano: ns(s.startOffsetMs),
              endTimeUnixNano: ns(s.startOffsetMs + s.durationMs),
              attributes: kv(s.attributes),
              ...(s.status ? { status: s.status } : {}),
            })),
          },
        ],
      },
    ],
  };
  const reply = await request(`${viewerUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (reply.status !== 200) throw new Error(`OTLP post failed: ${reply.status} ${reply.text}`);
  return { traceId, ids };
}

/** A polyglot trace: a plain HTTP server span over an OpenInference LLM span, AI SDK LLM and tool spans, a database span. */
export function postPolyglotTrace(viewerUrl: string) {
  return postForeignTrace(viewerUrl, 'polyglot-app', [
    {
      name: 'POST /v1/answer',
      kind: 2,
      startOffsetMs: 0,
      durationMs: 420,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/v1/answer',
        'http.response.status_code': 200,
      },
    },
    {
      name: 'ChatCompletion',
      parent: 'POST /v1/answer',
      kind: 3,
      startOffsetMs: 10,
      durationMs: 200,
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o',
        'llm.provider': 'openai',
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': 'You are terse.',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.content': 'What does OTLP stand for?',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'OpenTelemetry Protocol.',
        'llm.token_count.prompt': 14,
        'llm.token_count.completion': 4,
      },
    },
    {
      name: 'ai.generateText.doGenerate',
      parent: 'POST /v1/answer',
      kind: 3,
      startOffsetMs: 220,
      durationMs: 180,
      attributes: {
        'ai.operationId': 'ai.generateText.doGenerate',
        'ai.model.id': 'gpt-4o-mini',
        'ai.model.provider': 'openai.chat',
        'ai.prompt.messages': JSON.stringify([
          { role: 'user', content: [{ type: 'text', text: 'Is Paris sunny today?' }] },
        ]),
        'ai.response.text': 'Mostly sunny, 21°C.',
        'ai.response.finishReason': 'stop',
        'ai.usage.promptTokens': 9,
        'ai.usage.completionTokens': 6,
      },
    },
    {
      // The AI SDK's tool span: only ai.* keys, no gen_ai.tool.* and no Glassbox type.
      name: 'ai.toolCall',
      parent: 'POST /v1/answer',
      startOffsetMs: 300,
      durationMs: 40,
      attributes: {
        'operation.name': 'ai.toolCall',
        'ai.operationId': 'ai.toolCall',
        'ai.toolCall.name': 'getWeather',
        'ai.toolCall.id': 'call_weather_1',
        'ai.toolCall.args': JSON.stringify({ city: 'Paris' }),
        'ai.toolCall.result': JSON.stringify({ sky: 'mostly sunny', celsius: 21 }),
      },
    },
    {
      name: 'SELECT orders',
      parent: 'POST /v1/answer',
      kind: 3,
      startOffsetMs: 405,
      durationMs: 8,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'SELECT * FROM orders WHERE id = $1' },
    },
  ]);
}

/** Spans that claim to be Glassbox's but carry values no view can read. */
export function postBrokenTrace(viewerUrl: string) {
  return postForeignTrace(viewerUrl, 'broken-app', [
    { name: 'broken_root', startOffsetMs: 0, durationMs: 50, attributes: { 'glassbox.span.type': 'CHAIN' } },
    {
      name: 'chat truncated',
      parent: 'broken_root',
      startOffsetMs: 5,
      durationMs: 20,
      attributes: {
        'glassbox.span.type': 'LLM',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': '[{"role":"user","parts":[{"type":"text","content":"cut off in the midd',
      },
    },
    {
      name: 'retrieval odd',
      parent: 'broken_root',
      startOffsetMs: 26,
      durationMs: 20,
      attributes: { 'glassbox.span.type': 'RETRIEVER', 'glassbox.retrieval.documents': '{"not":"a list"}' },
    },
  ]);
}
