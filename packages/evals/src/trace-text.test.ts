import { describe, expect, it } from 'vitest';
import { type PlainSpan, renderTrace } from './index.js';

const span = (
  id: string,
  parent: string | undefined,
  start: number,
  extra: Partial<PlainSpan> = {},
): PlainSpan => ({
  name: `step ${id}`,
  traceId: 't'.repeat(32),
  spanId: id.padStart(16, '0'),
  ...(parent ? { parentSpanId: parent.padStart(16, '0') } : {}),
  startMs: start,
  durationMs: 12.4,
  status: 'unset',
  attributes: {},
  ...extra,
});

describe('renderTrace', () => {
  it('nests children under parents by start time, with status, model, tokens, documents and short values', () => {
    const text = renderTrace([
      span('3', '1', 3, {
        attributes: {
          'gen_ai.request.model': 'm',
          'gen_ai.usage.input_tokens': 5,
          'gen_ai.usage.output_tokens': 2,
        },
      }),
      span('1', undefined, 1, {
        attributes: { 'glassbox.span.type': 'AGENT', 'glassbox.outputs': JSON.stringify('x'.repeat(500)) },
      }),
      span('2', '1', 2, {
        status: 'error',
        statusMessage: 'boom',
        attributes: { 'glassbox.retrieval.documents': '[{"id":"kb-1"},{"id":"kb-2"}]' },
      }),
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('- step 1 [AGENT] 12ms');
    expect(lines[1]).toMatch(/^ {4}outputs: "x{290,}…$/);
    expect(lines[1]!.length).toBeLessThanOrEqual(4 + 'outputs: '.length + 300);
    expect(lines[2]).toBe('  - step 2 12ms ERROR: boom');
    expect(lines[3]).toBe('      documents: kb-1, kb-2');
    expect(lines[4]).toBe('  - step 3 12ms');
    expect(lines[5]).toBe('      model: m, 5 in / 2 out tokens');
  });

  it('stays within maxChars and says how many spans it left out', () => {
    const many = Array.from({ length: 200 }, (_, i) => span(String(i + 1), i === 0 ? undefined : '1', i));
    const text = renderTrace(many, { maxChars: 500 });
    expect(text.length).toBeLessThanOrEqual(560);
    expect(text).toMatch(/… \(\d+ more spans not shown\)$/);
    expect(renderTrace([])).toBe('(no spans recorded)');
  });
});
