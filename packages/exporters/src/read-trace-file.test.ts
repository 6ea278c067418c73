import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordSpans, sampleTrace } from '../tests/sample-spans.js';
import { jsonFileExporter } from './json-file-exporter.js';
import { readTraceFile, type TraceFileLineError, type TraceFileSpan } from './read-trace-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-read-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Exact nanoseconds of an HrTime (the float helpers round at this magnitude). */
function ns([seconds, nanos]: HrTime): bigint {
  return BigInt(seconds) * 1_000_000_000n + BigInt(nanos);
}

async function writeFile(path: string, ...batches: ReadableSpan[][]): Promise<void> {
  const exporter = jsonFileExporter({ path });
  for (const batch of batches) await new Promise((resolve) => exporter.export(batch, resolve));
  await exporter.shutdown();
}

async function readAll(path: string, errors: TraceFileLineError[] = []): Promise<TraceFileSpan[]> {
  const spans: TraceFileSpan[] = [];
  for await (const span of readTraceFile(path, { onError: (e) => errors.push(e) })) spans.push(span);
  return spans;
}

describe('readTraceFile', () => {
  it('reads back every field of spans written by jsonFileExporter, as native values', async () => {
    const path = join(dir, 'traces.jsonl');
    const sent = recordSpans(sampleTrace);
    await writeFile(path, sent);
    const spans = await readAll(path);

    expect(spans.map((s) => s.name)).toEqual(sent.map((s) => s.name));
    const root = spans.find((s) => s.name === 'answer_question')!;
    const llm = spans.find((s) => s.name === 'chat gpt-4o')!;
    const tool = spans.find((s) => s.name === 'execute_tool search')!;
    const sentLlm = sent.find((s) => s.name === 'chat gpt-4o')!;

    expect(root.parentSpanId).toBeUndefined();
    expect(llm).toMatchObject({
      traceId: sentLlm.spanContext().traceId,
      spanId: sentLlm.spanContext().spanId,
      parentSpanId: root.spanId,
      kind: SpanKind.CLIENT,
      startTimeUnixNano: ns(sentLlm.startTime),
      status: { code: SpanStatusCode.UNSET },
      resource: { 'service.name': 'glassbox-test' },
      scope: { name: 'glassbox-test', version: '1.2.3' },
    });
    expect(llm.endTimeUnixNano - llm.startTimeUnixNano).toBe(ns(sentLlm.duration));
    expect(llm.durationMs).toBeCloseTo(Number(ns(sentLlm.duration)) / 1e6, 6);
    expect(llm.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 512,
      'gen_ai.request.temperature': 0.7,
      'gen_ai.request.stop_sequences': ['\n\n', 'END'],
      'glassbox.test.stream': false,
      'glassbox.test.counts': [1, 2, 3],
    });
    expect(llm.events).toEqual([
      {
        name: 'gen_ai.choice',
        timeUnixNano: expect.any(BigInt),
        attributes: { index: 0, 'finish.reason': 'stop' },
      },
    ]);
    const rewrite = spans.find((s) => s.name === 'rewrite_query')!;
    expect(llm.links).toEqual([
      { traceId: root.traceId, spanId: rewrite.spanId, attributes: { 'link.kind': 'rewrite' } },
    ]);
    expect(rewrite.attributes['glassbox.rewrite.flagged']).toBe(true);
    expect(tool.status).toEqual({ code: SpanStatusCode.ERROR, message: 'search backend timed out' });
  });

  it('skips a partial last line and corrupt lines, reporting each, and keeps the spans around them', async () => {
    const path = join(dir, 'traces.jsonl');
    await writeFile(path, recordSpans(sampleTrace));
    appendFileSync(path, 'this is not json\n\n{"no":"resourceSpans"}\n');
    const exporter = jsonFileExporter({ path });
    await new Promise((resolve) => exporter.export(recordSpans(sampleTrace), resolve));
    await exporter.shutdown();
    appendFileSync(path, '{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"cut'); // what SIGKILL can leave

    const errors: TraceFileLineError[] = [];
    expect(await readAll(path, errors)).toHaveLength(8);
    expect(errors.map(({ line, partial }) => ({ line, partial }))).toEqual([
      { line: 2, partial: false },
      { line: 4, partial: false },
      { line: 6, partial: true },
    ]);
    expect(errors[0]!.error).toBeInstanceOf(SyntaxError);
    // Without a callback, bad lines are skipped silently.
    expect(await readAll(path)).toHaveLength(8);
  });

  it('reads OTLP/JSON from other tools: base64 ids, enum names, number and long-bits times, bytes, kvlists', async () => {
    const path = join(dir, 'other.jsonl');
    const traceId = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex').toString('base64');
    const line = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'py' } }] },
          scopeSpans: [
            {
              scope: { name: 'other' },
              spans: [
                {
                  traceId,
                  spanId: Buffer.from('b7ad6b7169203331', 'hex').toString('base64'),
                  parentSpanId: '',
                  name: 'GET /answer',
                  kind: 'SPAN_KIND_SERVER',
                  startTimeUnixNano: { low: 1_000_000, high: 1 },
                  endTimeUnixNano: 4_296_967_296,
                  status: { code: 'STATUS_CODE_OK' },
                  attributes: [
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'nan', value: { doubleValue: 'NaN' } },
                    { key: 'raw', value: { bytesValue: Buffer.from([1, 2, 3]).toString('base64') } },
                    {
                      key: 'map',
                      value: { kvlistValue: { values: [{ key: 'a', value: { intValue: 1 } }] } },
                    },
                    { key: 'empty', value: {} },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(path, `${JSON.stringify(line)}\n`);
    const [span] = await readAll(path);
    expect(span).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      kind: SpanKind.SERVER,
      startTimeUnixNano: 4_295_967_296n,
      durationMs: 1,
      status: { code: SpanStatusCode.OK },
    });
    expect(span!.parentSpanId).toBeUndefined();
    expect(span!.attributes).toEqual({
      big: 9007199254740993n,
      nan: Number.NaN,
      raw: new Uint8Array([1, 2, 3]),
      map: { a: 1 },
      empty: null,
    });
  });

  it('reassembles lines longer than a read chunk, including multi-byte characters cut between chunks', async () => {
    const path = join(dir, 'long.jsonl');
    const long = '€🙂'.repeat(60_000);
    const spans = recordSpans((tracer) => tracer.startSpan('long', { attributes: { text: long } }).end());
    await writeFile(path, spans, spans);
    const read = await readAll(path);
    expect(read).toHaveLength(2);
    expect(read.every((s) => s.attributes.text === long)).toBe(true);
  });
});
