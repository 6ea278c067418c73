import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { SpanKind } from '@opentelemetry/api';
import { afterAll, expect, it } from 'vitest';
import { startTs } from '../_support/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-express-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('Glassbox spans are children of the HTTP server span from instrumentation-http', async () => {
  const tracesFile = join(dir, 'traces.jsonl');
  // A real process: instrumentation-http patches `http` through require hooks at startup.
  const service = startTs('examples/express-service/main.ts', { PORT: '0', TRACES_FILE: tracesFile });
  let body: unknown;
  try {
    const [, url] = await service.waitFor(/listening on (http:\/\/\S+) \(Glassbox mode: attached\)/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const response = await fetch(`${url}/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-user-id': 'u-42' },
      body: JSON.stringify({ question: 'How much is the team plan?' }),
    });
    body = await response.json();
  } finally {
    // SIGTERM: the service closes, then shuts its provider down, which writes the last spans.
    expect(await service.stop()).toBe(0);
  }
  expect(body).toEqual({ answer: 'Team costs 29 EUR per seat and month.' });
  expect(service.stderr()).toBe('');

  const spans: TraceFileSpan[] = [];
  for await (const span of readTraceFile(tracesFile)) spans.push(span);
  expect(spans.map((s) => s.name).sort()).toEqual(['POST /ask', 'answer', 'retrieve']); // /health is ignored

  const http = spans.find((s) => s.name === 'POST /ask')!;
  const answer = spans.find((s) => s.name === 'answer')!;
  const retrieve = spans.find((s) => s.name === 'retrieve')!;
  expect(http.kind).toBe(SpanKind.SERVER);
  expect(http.parentSpanId).toBeUndefined();
  expect(http.attributes['http.route']).toBe('/ask');
  expect(http.scope.name).toBe('@opentelemetry/instrumentation-http');
  // The Glassbox spans nest under the app's HTTP span, in the same trace.
  expect(answer.parentSpanId).toBe(http.spanId);
  expect(retrieve.parentSpanId).toBe(answer.spanId);
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  expect(answer.attributes['glassbox.span.type']).toBe('CHAIN');
  expect(answer.attributes['user.id']).toBe('u-42');
  // The console tree printed by the service has the HTTP span as its root.
  expect(service.stdout()).toMatch(/POST \/ask \(server\)[^\n]*\n└─ answer \[CHAIN\]/);
});
