import type { DatasetExample, FeedbackRecord } from '@glassbox/evals';
import { ioValue } from './span-facts.js';
import type { SpanRecord } from './span-record.js';
import type { TraceSummary } from './trace-aggregate.js';

/**
 * The dataset example of one trace: the root span's inputs and outputs, the expectations of its feedback
 * merged (later feedback wins a key), the feedback itself and the trace's summary as metadata.
 */
export function datasetExampleOf(
  summary: TraceSummary,
  root: SpanRecord | undefined,
  feedback: FeedbackRecord[],
): DatasetExample {
  const attrs = root?.attributes ?? {};
  const inputs = ioValue(attrs, 'input');
  const outputs = ioValue(attrs, 'output');
  const example: DatasetExample = { id: summary.traceId, inputs: inputs ?? null, traceId: summary.traceId };
  if (outputs !== undefined) example.outputs = outputs;
  const ordered = [...feedback].sort((a, b) =>
    a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0,
  );
  let expectations: Record<string, unknown> | undefined;
  for (const f of ordered) if (f.expectations) expectations = { ...expectations, ...f.expectations };
  if (expectations) example.expectations = expectations;
  if (feedback.length > 0) example.feedback = ordered;
  const metadata: Record<string, unknown> = {
    rootName: summary.rootName,
    serviceName: summary.serviceName,
    startMs: summary.startMs,
    durationMs: summary.durationMs,
    spanCount: summary.spanCount,
    errorCount: summary.errorCount,
    spanTypes: summary.spanTypes,
    tags: summary.tags,
    flagged: summary.flagged,
    inputTokens: summary.inputTokens,
    outputTokens: summary.outputTokens,
    costUsd: summary.costUsd,
  };
  if (summary.rootSpanId !== undefined) metadata.rootSpanId = summary.rootSpanId;
  if (summary.sessionId !== undefined) metadata.sessionId = summary.sessionId;
  if (summary.userId !== undefined) metadata.userId = summary.userId;
  example.metadata = metadata;
  return example;
}
