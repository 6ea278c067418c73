import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonFileExporter, readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXOTIC_ATTRIBUTES,
  expectedRecord,
  makeRealSpans,
  withExoticAttributes,
} from './__fixtures__/real-spans.js';
import { decodeTraceRequest } from './decode-trace-request.js';
import { fromTraceFileSpan } from './from-trace-file-span.js';

let dir: string;
let spans: ReadableSpan[];
let read: TraceFileSpan[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-from-file-'));
  const real = await makeRealSpans();
  // NaN has no JSON form; the file keeps the rest of the exotic values.
  const finite = Object.fromEntries(
    Object.entries(EXOTIC_ATTRIBUTES).filter(([, v]) => typeof v !== 'number' || Number.isFinite(v)),
  );
  const exotic = withExoticAttributes(real.find((s) => s.name === 'http handler')!, finite);
  spans = [...real, exotic];
  const path = join(dir, 'traces.jsonl');
  const exporter = jsonFileExporter({ path });
  const code = await new Promise<number>((resolve) => exporter.export(spans, (r) => resolve(r.code)));
  expect(code).toBe(0); // ExportResultCode.SUCCESS

  await exporter.shutdown();
  read = [];
  for await (const span of readTraceFile(path)) read.push(span);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fromTraceFileSpan', () => {
  it('gives the record the OTLP receiver gives for the same spans, exactly', () => {
    const records = read.map(fromTraceFileSpan);
    const byId = (list: { spanId: string }[]) => [...list].sort((a, b) => a.spanId.localeCompare(b.spanId));
    expect(byId(records)).toEqual(byId(spans.map(expectedRecord)));
    const received = decodeTraceRequest({
      body: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
      contentType: 'application/x-protobuf',
    }).spans;
    expect(byId(records)).toEqual(byId(received));
    const exotic = records.find((r) => 'nested' in r.attributes)!;
    expect(exotic.attributes['big.positive']).toBe('1152921504606846976');
    expect(exotic.attributes.bytes).toBe('AAEC+v8=');
    expect(JSON.parse(JSON.stringify(records))).toEqual(records);
  });

  it('fills what a hand-written file leaves out: unknown_service, no parent for a zero id', () => {
    const record = fromTraceFileSpan({
      name: 'bare',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      parentSpanId: '0000000000000000',
      kind: 0,
      startTimeUnixNano: 5n,
      endTimeUnixNano: 2_000_005n,
      durationMs: 2,
      attributes: { n: 12345678901234567890n, small: 3n, nan: Number.NaN },
      status: { code: 0 },
      events: [],
      links: [],
      resource: {},
      scope: { name: '' },
    });
    expect(record).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      name: 'bare',
      kind: 0,
      startTimeUnixNano: '5',
      endTimeUnixNano: '2000005',
      startMs: 0.000005,
      durationMs: 2,
      statusCode: 0,
      serviceName: 'unknown_service',
      attributes: { n: '12345678901234567890', small: 3, nan: 'NaN' },
      events: [],
      links: [],
      resource: {},
      scope: { name: '' },
    });
  });
});
