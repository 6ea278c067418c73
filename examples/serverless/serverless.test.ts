import { ATTR, init } from '@glassbox/core';
import { InMemoryExporter } from '@glassbox/exporters';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { createHandler } from './handler.js';
import { main } from './main.js';

// Batch mode with a one-minute delay: without an explicit flush nothing would be exported during the test.
const exporter = new InMemoryExporter();
const glassbox = init({
  serviceName: 'faq-function',
  exporters: [exporter],
  exportMode: 'batch',
  batch: { scheduledDelayMs: 60_000 },
});
afterAll(() => glassbox.shutdown());
beforeEach(() => exporter.reset());

const event = { requestId: 'req-9', userId: 'u-9', question: 'How long does shipping take?' };

it('exports the invocation before the handler promise resolves', async () => {
  const handler = createHandler(glassbox);
  const atResolution = await handler(event).then((response) => ({
    response,
    names: exporter.spans().map((s) => s.name),
  }));
  expect(atResolution.response.statusCode).toBe(200);
  expect(atResolution.names).toEqual(['lookup', 'answer']);
  const root = exporter.findSpan('answer')!;
  expect(root.attributes[ATTR.SESSION_ID]).toBe('req-9');
  expect(root.attributes[ATTR.TRACE_TAGS]).toEqual(['serverless']);
});

it('control: the same handler without flush has exported nothing when it resolves', async () => {
  const handler = createHandler({ ...glassbox, flush: async () => {} });
  await handler(event);
  expect(exporter.spans()).toHaveLength(0);
  await glassbox.flush();
  expect(exporter.spans()).toHaveLength(2);
});

it('main.ts runs two invocations and each is exported before the next starts', async () => {
  const own = new InMemoryExporter();
  const log: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void log.push(args.join(' '));
  try {
    await main([own]);
  } finally {
    console.log = original;
  }
  expect(log.filter((l) => l.includes('spans exported so far'))).toEqual([
    '   spans exported so far: 2',
    '   spans exported so far: 4',
  ]);
  expect(new Set(own.spans().map((s) => s.spanContext().traceId)).size).toBe(2);
});
