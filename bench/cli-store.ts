/**
 * `pnpm exec tsx bench/cli-store.ts [--quick] [--traces=N]` (issue 15): how the viewer's trace list
 * pages when the store holds 100,000 traces, and what inserting them costs.
 *
 * 100,000 traces of 5 realistic GenAI spans (agent root with inputs, outputs, session, user and tags; a
 * retrieval with 3 documents; an LLM call with chat messages, tokens and cost; a tool call; a guardrail)
 * are built as `SpanRecord`s (what the OTLP receiver hands the store) and inserted in batches of 500
 * spans into a `TraceStore` file (WAL) in a temp directory, as `glassbox ui` does, with retention set
 * above the count. Every 200th trace gets a feedback record. Insertion is timed on the process CPU
 * clock (the store is synchronous and in-process) and on the wall clock.
 *
 * Then the store is reopened (cold statement cache) and `listTraces` is timed for the first page (50,
 * the page's size) and the page after it (the keyset cursor from the first page): unfiltered, each single
 * filter, filters combined, and free text for a rare word (1 trace in 1,000) and a common one (`the`, in
 * most traces' inputs). Each query runs once untimed, then `runs` times; the median and the slowest are reported.
 * Writes bench/results/cli-store.{json,md} unless --quick (10,000 traces).
 */

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SpanRecord } from '../packages/cli/src/store/span-record.js';
import type { TraceQuery } from '../packages/cli/src/store/trace-query.js';
import { TraceStore } from '../packages/cli/src/store/trace-store.js';
import { diskBytes, machineInfo, text, writeResults } from './cli-support.js';

const SPANS_PER_TRACE = 5;
const BATCH_SPANS = 500;
const SERVICES = ['support-assistant', 'billing-bot', 'search-api'];

function args(): { quick: boolean; traces: number; runs: number } {
  const argv = process.argv.slice(2).filter((a) => a !== '--');
  const quick = argv.includes('--quick');
  let traces = quick ? 10_000 : 100_000;
  for (const a of argv) {
    if (a === '--quick') continue;
    else if (a.startsWith('--traces=')) traces = Number(a.slice('--traces='.length));
    else throw new Error(`unknown argument ${a} (use --quick, --traces=N)`);
  }
  if (!Number.isInteger(traces) || traces < 1000) throw new Error('--traces takes an integer >= 1000');
  return { quick, traces, runs: quick ? 5 : 9 };
}

const RESOURCE = {
  'service.name': 'x',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.language': 'nodejs',
};
const SCOPE = { name: '@glassbox/core', version: '0.1.0' };

/** One trace of 5 spans; `i` picks its service, session, user, rare word, error and flag. */
function makeTrace(i: number, baseMs: number): SpanRecord[] {
  const traceId = randomBytes(16).toString('hex');
  const ids = Array.from({ length: SPANS_PER_TRACE }, () => randomBytes(8).toString('hex'));
  const serviceName = SERVICES[i % SERVICES.length]!;
  const start = baseMs + i * 1000;
  // `zanzibar` in 1 trace of 1,000; `the` (a common word) in every one.
  const question = `${text(60)}${i % 1000 === 7 ? ' zanzibar' : ''}?`;
  const answer = text(240);
  const failed = i % 50 === 0;
  const span = (
    j: number,
    name: string,
    offsetMs: number,
    durationMs: number,
    attributes: SpanRecord['attributes'],
    extra: Partial<SpanRecord> = {},
  ): SpanRecord => {
    const startMs = start + offsetMs;
    const record: SpanRecord = {
      traceId,
      spanId: ids[j]!,
      name,
      kind: 0,
      startTimeUnixNano: `${BigInt(Math.round(startMs * 1e3)) * 1000n}`,
      endTimeUnixNano: `${BigInt(Math.round((startMs + durationMs) * 1e3)) * 1000n}`,
      startMs,
      durationMs,
      statusCode: 0,
      serviceName,
      attributes,
      events: [],
      links: [],
      resource: { ...RESOURCE, 'service.name': serviceName },
      scope: SCOPE,
      ...extra,
    };
    if (j > 0) record.parentSpanId = ids[0]!;
    return record;
  };
  const inputTokens = 400 + (i % 300);
  const outputTokens = 60 + (i % 90);
  return [
    span(0, 'support_turn', 0, 900 + (i % 400), {
      'glassbox.span.type': 'AGENT',
      'glassbox.inputs': JSON.stringify({ question }),
      'glassbox.outputs': JSON.stringify(answer),
      'session.id': `session-${i % 5000}`,
      'user.id': `user-${i % 700}`,
      'glassbox.trace.tags': ['prod', i % 10 === 0 ? 'beta' : 'stable'],
    }),
    span(1, 'retrieval help-center', 20, 80, {
      'glassbox.span.type': 'RETRIEVER',
      'glassbox.inputs': JSON.stringify({ query: question }),
      'glassbox.retrieval.documents': JSON.stringify(
        [0, 1, 2].map((d) => ({
          id: `kb-${(i * 3 + d) % 900}`,
          score: 0.9 - d * 0.1,
          content: text(300),
          metadata: { source: 'help-center' },
        })),
      ),
      ...(i % 100 === 0 ? { 'glassbox.rewrite.flagged': true } : {}),
    }),
    span(2, 'chat gpt-4o-mini', 110, 600, {
      'glassbox.span.type': 'LLM',
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: text(200) }]),
      'gen_ai.input.messages': JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: question }] },
      ]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' },
      ]),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': inputTokens,
      'gen_ai.usage.output_tokens': outputTokens,
      'gen_ai.usage.cost': inputTokens * 0.15e-6 + outputTokens * 0.6e-6,
    }),
    span(
      3,
      i % 997 === 0 ? 'execute_tool escalate_ticket' : 'execute_tool lookup_order',
      720,
      40,
      {
        'glassbox.span.type': 'TOOL',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': i % 997 === 0 ? 'escalate_ticket' : 'lookup_order',
        'gen_ai.tool.call.arguments': JSON.stringify({ orderId: `A-${i}` }),
        'gen_ai.tool.call.result': JSON.stringify({ status: 'shipped', carrier: 'DHL', eta: text(20) }),
      },
      failed ? { statusCode: 2, statusMessage: 'order service answered 503' } : {},
    ),
    span(4, 'moderation', 770, 15, {
      'glassbox.span.type': 'GUARDRAIL',
      'glassbox.guardrail.name': 'pii-filter',
      'glassbox.guardrail.decision': i % 250 === 0 ? 'block' : 'pass',
      'glassbox.guardrail.score': 0.1,
    }),
  ];
}

interface InsertResult {
  traces: number;
  spans: number;
  wallMs: number;
  cpuMs: number;
  spansPerCpuSecond: number;
  spansPerWallSecond: number;
  storeBytesPerSpan: number;
  diskBytesPerSpan: number;
  jsonBytesPerSpan: number;
}

interface QueryResult {
  query: string;
  total: number;
  firstPage: { medianMs: number; maxMs: number; rows: number };
  cursorPage: { medianMs: number; maxMs: number; rows: number } | null;
}

function insertAll(store: TraceStore, traces: number, dir: string): InsertResult {
  const baseMs = Date.now() - traces * 1000;
  let jsonBytes = 0;
  let batch: SpanRecord[] = [];
  let cpuUs = 0;
  let wallMs = 0;
  // Only the store's work is timed: building the records happens between the timed inserts.
  const flush = () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    store.insertSpans(batch);
    wallMs += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
    batch = [];
  };
  for (let i = 0; i < traces; i++) {
    const spans = makeTrace(i, baseMs);
    if (i % 500 === 0) jsonBytes += spans.reduce((n, s) => n + JSON.stringify(s).length, 0);
    batch.push(...spans);
    if (batch.length >= BATCH_SPANS) flush();
    if (i % 200 === 3) {
      const c0 = process.cpuUsage();
      store.addFeedback({
        traceId: spans[0]!.traceId,
        name: 'thumbs',
        value: i % 400 === 3,
        source: { type: 'human' },
      });
      const c = process.cpuUsage(c0);
      cpuUs += c.user + c.system;
    }
  }
  if (batch.length) flush();
  const info = store.info();
  const sampled = Math.ceil(traces / 500) * SPANS_PER_TRACE;
  return {
    traces: info.traceCount,
    spans: info.spanCount,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round(cpuUs / 1000),
    spansPerCpuSecond: Math.round(info.spanCount / (cpuUs / 1e6)),
    spansPerWallSecond: Math.round(info.spanCount / (wallMs / 1000)),
    storeBytesPerSpan: Math.round(info.sizeBytes / info.spanCount),
    diskBytesPerSpan: Math.round(diskBytes(dir) / info.spanCount),
    jsonBytesPerSpan: Math.round(jsonBytes / sampled),
  };
}

function timeIt(
  runs: number,
  f: () => { traces: unknown[] },
): { medianMs: number; maxMs: number; rows: number } {
  const rows = f().traces.length;
  const samples: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    f();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { medianMs: r(samples[Math.floor(samples.length / 2)]!), maxMs: r(samples.at(-1)!), rows };
}

const QUERIES: [string, TraceQuery][] = [
  ['unfiltered', {}],
  ['service (1 in 3)', { service: 'billing-bot' }],
  ['span name, rare (1 in 997)', { name: 'execute_tool escalate_ticket' }],
  ['span name, every trace', { name: 'chat gpt-4o-mini' }],
  ['span type TOOL (every trace)', { spanType: 'TOOL' }],
  ['status error (1 in 50)', { status: 'error' }],
  ['min duration 1,250 ms (~1 in 8)', { minDurationMs: 1250 }],
  ['session (1 in 5,000)', { sessionId: 'session-42' }],
  ['user (1 in 700)', { userId: 'user-42' }],
  ['tag beta (1 in 10)', { tag: 'beta' }],
  ['flagged (1 in 100)', { flagged: true }],
  ['has feedback (1 in 200)', { hasFeedback: true }],
  ['text, rare word "zanzibar"', { text: 'zanzibar' }],
  ['text, common word "the"', { text: 'the' }],
  ['service + status error', { service: 'billing-bot', status: 'error' }],
  ['service + tag + min duration', { service: 'support-assistant', tag: 'beta', minDurationMs: 1000 }],
  ['service + text "warranty"', { service: 'search-api', text: 'warranty' }],
  ['status error + flagged (1 in 100)', { status: 'error', flagged: true }],
];

function queryAll(store: TraceStore, runs: number): QueryResult[] {
  return QUERIES.map(([label, query]) => {
    const first = store.listTraces(query);
    const cursor = first.nextCursor;
    const result: QueryResult = {
      query: label,
      total: first.total,
      firstPage: timeIt(runs, () => store.listTraces(query)),
      cursorPage: cursor === null ? null : timeIt(runs, () => store.listTraces({ ...query, cursor })),
    };
    process.stdout.write(
      `${label.padEnd(36)} total ${String(result.total).padStart(7)}  first ${result.firstPage.medianMs} ms  next ${result.cursorPage?.medianMs ?? '-'} ms\n`,
    );
    return result;
  });
}

function tables(insert: InsertResult, queries: QueryResult[]): string {
  const ins = [
    '| traces | spans | CPU s | spans per CPU-second | spans/s (wall) | store B/span | on disk B/span | span JSON B |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${insert.traces} | ${insert.spans} | ${(insert.cpuMs / 1000).toFixed(1)} | ${insert.spansPerCpuSecond} | ${insert.spansPerWallSecond} | ${insert.storeBytesPerSpan} | ${insert.diskBytesPerSpan} | ${insert.jsonBytesPerSpan} |`,
  ].join('\n');
  const fmt = (p: QueryResult['firstPage'] | null) => (p ? `${p.medianMs} (${p.maxMs})` : '–');
  const q = [
    '| query | matching traces | first page ms | next page ms |',
    '| --- | --- | --- | --- |',
    ...queries.map((r) => `| ${r.query} | ${r.total} | ${fmt(r.firstPage)} | ${fmt(r.cursorPage)} |`),
  ].join('\n');
  return `${ins}\n\nPages of 50, median (slowest) of the timed runs:\n\n${q}`;
}

async function main(): Promise<void> {
  const { quick, traces, runs } = args();
  const loadBefore = os.loadavg();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'glassbox-store-bench-'));
  const file = path.join(dir, 'traces.db');
  try {
    const store = TraceStore.open({ path: file, maxTraces: traces + 1000, maxBytes: 16 * 1024 ** 3 });
    const insert = insertAll(store, traces, dir);
    store.close();
    process.stdout.write(
      `inserted ${insert.traces} traces, ${insert.spans} spans: ${insert.spansPerCpuSecond} spans per CPU-second, ${insert.storeBytesPerSpan} B/span\n`,
    );
    const reopened = TraceStore.open({ path: file, maxTraces: traces + 1000, maxBytes: 16 * 1024 ** 3 });
    const queries = queryAll(reopened, runs);
    reopened.close();
    const md = tables(insert, queries);
    process.stdout.write(`${md}\n`);
    if (!quick) {
      const machine = machineInfo(loadBefore);
      const date = new Date().toISOString();
      writeResults(
        'cli-store',
        { date, machine, traces, spansPerTrace: SPANS_PER_TRACE, runs, insert, queries },
        `${date}, ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load ${loadBefore.map((l) => l.toFixed(1)).join(' ')} -> ${machine.loadAverageAfter.map((l) => l.toFixed(1)).join(' ')}\n\n${md}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
