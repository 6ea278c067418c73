// How to assert on your own pipeline's traces: this file is the example (run: npx vitest run examples/testing).
import { ATTR, init, SpanType, withTraceContext } from '@glassbox/core';
import { InMemoryExporter, type SpanNode } from '@glassbox/exporters';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { answer, NoContextError } from './pipeline.js';

// 1. Once per test file: Glassbox with an in-memory exporter. `immediate` exports each span as it ends.
const exporter = new InMemoryExporter();
const glassbox = init({ serviceName: 'pipeline-tests', exporters: [exporter], exportMode: 'immediate' });

beforeEach(() => exporter.reset());
afterAll(() => glassbox.shutdown());

// 2. Small helpers: a trace as an outline of `name [type]` lines, and JSON attributes parsed.
function outline(node: SpanNode, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${node.name} [${node.span.attributes[ATTR.SPAN_TYPE]}]`;
  return [line, ...node.children.flatMap((child) => outline(child, depth + 1))];
}

function json(span: ReadableSpan | undefined, key: string): unknown {
  const value = span?.attributes[key];
  return typeof value === 'string' ? JSON.parse(value) : undefined;
}

/** Runs the pipeline, waits for the export, returns the one trace it produced. */
async function traceOf(run: () => Promise<unknown>) {
  await run().catch(() => undefined);
  await glassbox.flush();
  const traces = exporter.traces();
  expect(traces).toHaveLength(1);
  return traces[0]!;
}

describe('the support pipeline', () => {
  it('normalises, retrieves, then generates, all under one root', async () => {
    const tree = await traceOf(() => answer('  How do I   reset my password? '));
    expect(tree.roots.flatMap((root) => outline(root))).toEqual([
      'answer [CHAIN]',
      '  normalize [PARSER]',
      '  retrieve [RETRIEVER]',
      '  generate [LLM]',
    ]);
  });

  it('records what each step saw and returned', async () => {
    await traceOf(() => answer('How do I reset my password?'));
    const retrieve = exporter.findSpan('retrieve');
    expect(json(retrieve, ATTR.INPUTS)).toEqual({ query: 'How do I reset my password?', k: 2 });
    expect(json(retrieve, ATTR.OUTPUTS)).toMatchObject([{ id: 'kb-1' }]);
    // generate's inputs were mapped with `captureInputs` to ids only: no article text in the trace.
    expect(json(exporter.findSpan('generate'), ATTR.INPUTS)).toEqual({
      question: 'How do I reset my password?',
      articleIds: ['kb-1'],
    });
  });

  it('marks the failing step and its parent as errors, with the error type', async () => {
    await expect(answer('What is the meaning of life?')).rejects.toBeInstanceOf(NoContextError);
    await glassbox.flush();
    const failed = exporter.findSpans((s) => s.status.code === SpanStatusCode.ERROR).map((s) => s.name);
    expect(failed).toEqual(['generate', 'answer']);
    expect(exporter.findSpan('generate')?.attributes[ATTR.ERROR_TYPE]).toBe('NoContextError');
    expect(exporter.findSpan('generate')?.events.map((e) => e.name)).toContain('exception');
  });

  it('tags every span with the session and user of the request', async () => {
    await traceOf(() => withTraceContext({ sessionId: 's-42', userId: 'u-7' }, () => answer('export data')));
    const spans = exporter.spans();
    expect(spans.length).toBe(4);
    for (const span of spans) {
      expect(span.attributes[ATTR.SESSION_ID]).toBe('s-42');
      expect(span.attributes[ATTR.USER_ID]).toBe('u-7');
    }
  });

  it('finds spans by type, e.g. every retrieval across several runs', async () => {
    await answer('change my plan');
    await answer('reset password');
    await glassbox.flush();
    const retrievals = exporter.findSpans((s) => s.attributes[ATTR.SPAN_TYPE] === SpanType.RETRIEVER);
    expect(retrievals.map((s) => json(s, ATTR.OUTPUTS))).toMatchObject([[{ id: 'kb-2' }], [{ id: 'kb-1' }]]);
    expect(exporter.traces()).toHaveLength(2);
  });
});
