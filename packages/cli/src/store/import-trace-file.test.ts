import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { logFeedback, withSpan, withTraceContext } from '@glassbox/core';
import { jsonFileExporter, type TraceFileLineError } from '@glassbox/exporters';
import { setupGlassbox } from '@glassbox/test-harness';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './__fixtures__/spans.js';
import { importTraceFile } from './import-trace-file.js';
import { TraceStore } from './trace-store.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
const file = join(tmp.dir, 'traces.jsonl');
const { glassbox } = setupGlassbox({
  serviceName: 'import-test',
  exporters: [jsonFileExporter({ path: file })],
});

describe('importTraceFile', () => {
  it('imports the spans of a JSONL trace file written by jsonFileExporter, in batches, once', async () => {
    const targets: { traceId: string; spanId: string }[] = [];
    for (let i = 0; i < 30; i++) {
      await withTraceContext({ sessionId: 'session-a', tags: ['import'] }, () =>
        withSpan({ name: 'turn', type: 'AGENT' }, (turn) => {
          turn.setInputs({ question: `question ${i}` });
          withSpan({ name: 'lookup', type: 'TOOL' }, () => i);
          targets.push({ traceId: turn.traceId, spanId: turn.spanId });
          return `answer ${i}`;
        }),
      );
    }
    logFeedback({ ...targets[0]!, name: 'thumbs', value: true, source: 'human' });
    await glassbox.flush();

    const store = TraceStore.open({ path: ':memory:' });
    const result = await importTraceFile(store, file, { batchSize: 7 });
    expect(result).toEqual({ spans: 61, inserted: 61, traces: 30, badLines: 0 });
    expect(store.info()).toMatchObject({ traceCount: 30, spanCount: 61, feedbackCount: 1 });
    const first = store.getTrace(targets[0]!.traceId)!;
    expect(first.summary).toMatchObject({
      rootName: 'turn',
      serviceName: 'import-test',
      spanCount: 3,
      sessionId: 'session-a',
      tags: ['import'],
      feedbackCount: 1,
      inputPreview: 'question 0',
      outputPreview: 'answer 0',
    });
    expect(first.spans.map((s) => s.name)).toEqual(['turn', 'lookup', 'feedback thumbs']);
    expect(store.listTraces({ text: 'question 7' }).total).toBe(1);
    expect(await importTraceFile(store, file)).toEqual({ spans: 61, inserted: 0, traces: 30, badLines: 0 });
    store.close();
  });

  it('skips corrupt and partial lines, reporting each, and converts int64 and bytes values', async () => {
    const odd = join(tmp.dir, 'odd.jsonl');
    const span = {
      traceId: 'ab'.repeat(16),
      spanId: 'cd'.repeat(8),
      name: 'odd',
      kind: 1,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000250000000',
      attributes: [
        { key: 'big', value: { intValue: '12345678901234567890' } },
        { key: 'bytes', value: { bytesValue: Buffer.from('hi').toString('base64') } },
      ],
      status: {},
    };
    writeFileSync(
      odd,
      `${JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans: [span] }] }] })}\n`,
    );
    appendFileSync(odd, '{"this is": not json}\n{"resourceSpans": [');
    const errors: TraceFileLineError[] = [];
    const store = TraceStore.open({ path: ':memory:' });
    const result = await importTraceFile(store, odd, { onError: (e) => errors.push(e) });
    expect(result).toEqual({ spans: 1, inserted: 1, traces: 1, badLines: 2 });
    expect(errors.map((e) => [e.line, e.partial])).toEqual([
      [2, false],
      [3, true],
    ]);
    const stored = store.getTrace('ab'.repeat(16))!;
    expect(stored.spans[0]!.attributes).toEqual({ big: '12345678901234567890', bytes: 'aGk=' });
    expect(stored.summary).toMatchObject({ serviceName: 'unknown_service', durationMs: 250 });
    store.close();
  });

  it('checks its options', async () => {
    const store = TraceStore.open({ path: ':memory:' });
    await expect(importTraceFile(store, file, { batchSize: 0 })).rejects.toThrow(
      /importTraceFile\.batchSize/,
    );
    store.close();
  });
});
