/**
 * `pnpm exec tsx bench/cli-ingest.ts [--quick] [--batches=N]` (issue 15): how fast the viewer's OTLP
 * receiver takes spans, and what a span costs on disk.
 *
 * Batches of 512 realistic GenAI spans (8-span traces: agent root, query rewrite, retrieval with
 * documents, two LLM calls with chat messages and token counts, two tool calls, a guardrail) are made by
 * the real OpenTelemetry SDK and encoded once, before timing, with the official serializer
 * (`ProtobufTraceSerializer` of @opentelemetry/otlp-transformer, what every OTLP/protobuf exporter
 * sends). Each batch has fresh ids, so every post inserts (the store skips spans it already has). They
 * are posted one after another, as a batch span processor does, over one keep-alive loopback connection
 * to `startViewer` with a SQLite file store in a temp directory: decoding, storing (one transaction per
 * batch, summaries, full-text index) and the answer are all timed. Wall time and process CPU time; the
 * client runs in the same process (its share is small: writing prebuilt buffers).
 *
 * Store size: `info().sizeBytes` (SQLite pages in use) after the run, and the files on disk (db + WAL),
 * each per span. Writes bench/results/cli-ingest.{json,md} unless --quick.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { startViewer } from '../packages/cli/src/server/viewer-server.js';
import { diskBytes, machineInfo, text, writeResults } from './cli-support.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BATCH = 512;
const SPANS_PER_TRACE = 8;

// The serializer the exporters use, from the exporters package (bench/ does not depend on it itself).
const fromExporters = createRequire(path.join(repoRoot, 'packages/exporters/package.json'));
const { ProtobufTraceSerializer } = fromExporters('@opentelemetry/otlp-transformer') as {
  ProtobufTraceSerializer: { serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined };
};
const { resourceFromAttributes } = fromExporters('@opentelemetry/resources') as {
  resourceFromAttributes(attrs: Record<string, string>): unknown;
};

function args(): { quick: boolean; batches: number } {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const quick = argv.includes('--quick');
  let batches = quick ? 20 : 100;
  for (const a of argv) {
    if (a === '--quick') continue;
    else if (a.startsWith('--batches=')) batches = Number(a.slice('--batches='.length));
    else throw new Error(`unknown argument ${a} (use --quick, --batches=N)`);
  }
  if (!Number.isInteger(batches) || batches < 1) throw new Error('--batches takes a positive integer');
  return { quick, batches };
}

function child(tracer: Tracer, parent: Span, name: string, kind = SpanKind.INTERNAL): Span {
  return tracer.startSpan(name, { kind }, trace.setSpan(context.active(), parent));
}

/** One 8-span trace as a Glassbox-traced RAG assistant makes it. */
function oneTrace(tracer: Tracer, i: number): void {
  const question = `Where is my order A-${1000 + i}? ${text(80)}`;
  const root = tracer.startSpan('support_turn', {
    attributes: {
      'glassbox.span.type': 'AGENT',
      'glassbox.inputs': JSON.stringify({ question }),
      'session.id': `chat-${i % 50}`,
      'user.id': `user-${i % 200}`,
      'glassbox.trace.tags': ['bench', i % 2 ? 'returning' : 'new'],
    },
  });
  const rewrite = child(tracer, root, 'rewrite_query');
  rewrite.setAttributes({
    'glassbox.span.type': 'QUERY_REWRITE',
    'glassbox.rewrite.original': question,
    'glassbox.rewrite.rewritten': `order status A-${1000 + i}`,
    'glassbox.rewrite.similarity': 0.42,
    'glassbox.rewrite.flagged': i % 17 === 0,
  });
  rewrite.end();
  const retrieval = child(tracer, root, 'retrieval kb');
  const documents = Array.from({ length: 4 }, (_, d) => ({
    id: `doc-${(i + d) % 300}`,
    score: 0.9 - d * 0.1,
    content: text(400),
    metadata: { source: 'kb' },
  }));
  retrieval.setAttributes({
    'glassbox.span.type': 'RETRIEVER',
    'gen_ai.operation.name': 'retrieval',
    'gen_ai.data_source.id': 'kb',
    'glassbox.retrieval.query': `order status A-${1000 + i}`,
    'glassbox.retrieval.documents': JSON.stringify(documents),
    'glassbox.retrieval.document_count': documents.length,
  });
  retrieval.end();
  for (let call = 0; call < 2; call++) {
    const llm = child(tracer, root, 'chat gpt-4o-mini', SpanKind.CLIENT);
    llm.setAttributes({
      'glassbox.span.type': 'LLM',
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.usage.input_tokens': 600 + i,
      'gen_ai.usage.output_tokens': 80 + call,
      'gen_ai.response.finish_reasons': [call === 0 ? 'tool_calls' : 'stop'],
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: text(300) }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: question }] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: text(200) }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: text(250) }], finish_reason: 'stop' },
      ]),
    });
    const tool = child(tracer, root, 'execute_tool lookup_order');
    tool.setAttributes({
      'glassbox.span.type': 'TOOL',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup_order',
      'gen_ai.tool.call.id': `call_${i}_${call}`,
      'glassbox.inputs': JSON.stringify({ orderId: `A-${1000 + i}` }),
      'glassbox.outputs': JSON.stringify({ status: 'shipped', eta: '2026-12-05' }),
    });
    if (i % 23 === 0 && call === 1)
      tool.setStatus({ code: SpanStatusCode.ERROR, message: 'order service timed out' });
    tool.end();
    llm.end();
  }
  const guard = child(tracer, root, 'guardrail pii');
  guard.setAttributes({
    'glassbox.span.type': 'GUARDRAIL',
    'glassbox.guardrail.name': 'pii',
    'glassbox.guardrail.decision': 'pass',
  });
  guard.end();
  root.setAttribute('glassbox.outputs', JSON.stringify(text(250)));
  root.end();
}

/** `count` protobuf bodies of BATCH spans each, every span with fresh ids. */
function encodeBatches(count: number): Buffer[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'bench-support-assistant' }) as never,
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('glassbox-bench', '0.0.0');
  const bodies: Buffer[] = [];
  for (let b = 0; b < count; b++) {
    memory.reset();
    for (let t = 0; t < BATCH / SPANS_PER_TRACE; t++) oneTrace(tracer, b * 64 + t);
    const spans = memory.getFinishedSpans();
    if (spans.length !== BATCH) throw new Error(`expected ${BATCH} spans, made ${spans.length}`);
    const body = ProtobufTraceSerializer.serializeRequest(spans as ReadableSpan[]);
    if (!body) throw new Error('the serializer returned nothing');
    bodies.push(Buffer.from(body));
  }
  return bodies;
}

function post(agent: Agent, port: number, body: Buffer, gzip: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/x-protobuf',
          'Content-Length': String(body.length),
          ...(gzip ? { 'Content-Encoding': 'gzip' } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Result {
  variant: string;
  spans: number;
  bodyBytesPerSpan: number;
  wallMs: number;
  cpuMs: number;
  spansPerSecond: number;
  cpuUsPerSpan: number;
  storeBytesPerSpan: number;
  diskBytesPerSpan: number;
}

async function run(
  variant: 'protobuf' | 'protobuf+gzip',
  bodies: Buffer[],
  warmup: Buffer[],
): Promise<Result> {
  const gzip = variant === 'protobuf+gzip';
  const send = gzip ? bodies.map((b) => gzipSync(b)) : bodies;
  const warm = gzip ? warmup.map((b) => gzipSync(b)) : warmup;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glassbox-bench-ingest-'));
  const viewer = await startViewer({
    port: 0,
    db: path.join(dir, 'traces.db'),
    maxTraces: 1_000_000,
    maxBytes: 2 ** 40,
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const body of warm) await post(agent, viewer.port, body, gzip);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const body of send) await post(agent, viewer.port, body, gzip);
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const info = viewer.store.info();
    const spans = bodies.length * BATCH;
    if (info.spanCount !== spans + warmup.length * BATCH) {
      throw new Error(`the store holds ${info.spanCount} spans, expected ${spans + warmup.length * BATCH}`);
    }
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const sent = send.reduce((s, b) => s + b.length, 0);
    return {
      variant,
      spans,
      bodyBytesPerSpan: Math.round(sent / spans),
      wallMs: Math.round(wallMs),
      cpuMs: Math.round(cpuMs),
      spansPerSecond: Math.round(spans / (wallMs / 1000)),
      cpuUsPerSpan: Math.round((cpuMs * 1000) / spans),
      storeBytesPerSpan: Math.round(info.sizeBytes / info.spanCount),
      diskBytesPerSpan: Math.round(diskBytes(dir) / info.spanCount),
    };
  } finally {
    agent.destroy();
    await viewer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function table(results: Result[]): string {
  const head =
    '| body | spans | body B/span | wall ms | spans/s (wall) | CPU µs/span | spans per CPU-second | store B/span | on disk B/span |';
  const rule = '| --- | --- | --- | --- | --- | --- | --- | --- | --- |';
  const rows = results.map(
    (r) =>
      `| ${r.variant} | ${r.spans} | ${r.bodyBytesPerSpan} | ${r.wallMs} | ${r.spansPerSecond} | ${r.cpuUsPerSpan} | ${Math.round(1e6 / r.cpuUsPerSpan)} | ${r.storeBytesPerSpan} | ${r.diskBytesPerSpan} |`,
  );
  return [head, rule, ...rows].join('\n');
}

async function main(): Promise<void> {
  const { quick, batches } = args();
  const loadBefore = os.loadavg();
  const warmup = encodeBatches(3);
  const bodies = encodeBatches(batches);
  const results: Result[] = [];
  for (const variant of ['protobuf', 'protobuf+gzip'] as const)
    results.push(await run(variant, bodies, warmup));
  const md = table(results);
  process.stdout.write(`${md}\n`);
  if (!quick) {
    const machine = machineInfo(loadBefore);
    const date = new Date().toISOString();
    writeResults(
      'cli-ingest',
      { date, machine, batchSpans: BATCH, batches, results },
      `${date}, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${loadBefore[0]!.toFixed(1)} -> ${machine.loadAverageAfter[0]!.toFixed(1)}\n\n${md}`,
    );
  }
}

await main();
