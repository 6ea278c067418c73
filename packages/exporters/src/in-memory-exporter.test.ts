import { ExportResultCode } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { child, recordSpans, sampleTrace } from '../tests/sample-spans.js';
import { InMemoryExporter } from './in-memory-exporter.js';

describe('InMemoryExporter', () => {
  it('keeps spans in end order and arranges them as trees', () => {
    const exporter = new InMemoryExporter();
    exporter.export(recordSpans(sampleTrace), () => undefined);
    expect(exporter.spans().map((s) => s.name)).toEqual([
      'rewrite_query',
      'chat gpt-4o',
      'execute_tool search',
      'answer_question',
    ]);
    const [tree] = exporter.traces();
    expect(tree!.roots.map((r) => r.name)).toEqual(['answer_question']);
    expect(tree!.roots[0]!.children.map((c) => c.name)).toEqual([
      'rewrite_query',
      'chat gpt-4o',
      'execute_tool search',
    ]);
    expect(exporter.findSpans((s) => s.attributes['glassbox.span.type'] === 'LLM')).toHaveLength(1);
    expect(exporter.findSpan('rewrite_query')?.name).toBe('rewrite_query');
    exporter.reset();
    expect(exporter.spans()).toEqual([]);
  });

  it('drops the oldest spans past maxSpans and fails exports after shutdown', async () => {
    const exporter = new InMemoryExporter({ maxSpans: 2 });
    exporter.export(
      recordSpans((t) => child(t, t.startSpan('root'), 'a').end()),
      () => undefined,
    );
    exporter.export(recordSpans(sampleTrace), () => undefined);
    expect(exporter.spans().map((s) => s.name)).toEqual(['execute_tool search', 'answer_question']);
    await exporter.shutdown();
    let code: ExportResultCode | undefined;
    exporter.export(recordSpans(sampleTrace), (r) => {
      code = r.code;
    });
    expect(code).toBe(ExportResultCode.FAILED);
  });
});
