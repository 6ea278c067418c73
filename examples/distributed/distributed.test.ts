import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, expect, it } from 'vitest';
import { main } from './main.js';

const outDir = mkdtempSync(join(tmpdir(), 'glassbox-distributed-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function read(file: string): Promise<TraceFileSpan[]> {
  const spans: TraceFileSpan[] = [];
  for await (const span of readTraceFile(file)) spans.push(span);
  return spans;
}

it('two processes write one trace, joined across the HTTP hop', async () => {
  // main() starts the model service and the app as two child processes (node --import tsx).
  const lines: string[] = [];
  const { appFile, serviceFile } = await main(outDir, (line) => lines.push(line));
  expect(lines.join('\n')).toContain('5 spans in 1 trace(s)');

  const app = await read(appFile);
  const service = await read(serviceFile);
  expect(app.map((s) => s.name).sort()).toEqual(['ask', 'callModel']);
  expect(service.map((s) => s.name).sort()).toEqual(['decode', 'generate', 'tokenize']);
  expect(new Set(app.map((s) => s.resource['service.name']))).toEqual(new Set(['support-app']));
  expect(new Set(service.map((s) => s.resource['service.name']))).toEqual(new Set(['model-service']));

  // One trace id in both files.
  const traceIds = new Set([...app, ...service].map((s) => s.traceId));
  expect(traceIds.size).toBe(1);

  // The hop: the service's entry span is a child of the app's outgoing call.
  const call = app.find((s) => s.name === 'callModel')!;
  const entry = service.find((s) => s.name === 'generate')!;
  expect(call.kind).toBe(SpanKind.CLIENT);
  expect(entry.kind).toBe(SpanKind.SERVER);
  expect(entry.parentSpanId).toBe(call.spanId);
  expect(app.find((s) => s.name === 'ask')!.parentSpanId).toBeUndefined();
  // Session and user stay on the app side: trace-context attributes do not travel in `traceparent`.
  expect(call.attributes['session.id']).toBe('session-1');
  expect(entry.attributes['session.id']).toBeUndefined();
});
