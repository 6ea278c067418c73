import { assertOptions, type Rule, rules } from '@glassbox/core/instrumentation';
import { readTraceFile, type TraceFileLineError } from '@glassbox/exporters';
import { fromTraceFileSpan } from '../otlp/from-trace-file-span.js';
import type { SpanRecord } from './span-record.js';
import type { TraceStore } from './trace-store.js';

/** Options for `importTraceFile`. */
export interface ImportTraceFileOptions {
  /** Called for each line of the file that is skipped (corrupt, or a partial last line). */
  onError?: (error: TraceFileLineError) => void;
  /** Spans per insert transaction; default 500. */
  batchSize?: number;
}

/** What an import read and stored. */
export interface ImportTraceFileResult {
  /** Spans read from the file. */
  spans: number;
  /** Spans new to the store (a second import of the same file inserts none). */
  inserted: number;
  /** Distinct traces read. */
  traces: number;
  /** Lines skipped. */
  badLines: number;
}

const OPTIONS = rules.object({
  onError: rules.func(),
  batchSize: rules.integer(1, 100_000),
} satisfies Record<keyof ImportTraceFileOptions, Rule>);

/** Reads a JSONL trace file (as `jsonFileExporter` writes it) into a store, in batches. */
export async function importTraceFile(
  store: TraceStore,
  path: string,
  options: ImportTraceFileOptions = {},
): Promise<ImportTraceFileResult> {
  assertOptions(options, OPTIONS, 'importTraceFile');
  const batchSize = options.batchSize ?? 500;
  const result: ImportTraceFileResult = { spans: 0, inserted: 0, traces: 0, badLines: 0 };
  const traceIds = new Set<string>();
  const onError = (error: TraceFileLineError) => {
    result.badLines += 1;
    options.onError?.(error);
  };
  let batch: SpanRecord[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    result.inserted += store.insertSpans(batch).inserted;
    batch = [];
  };
  for await (const span of readTraceFile(path, { onError })) {
    result.spans += 1;
    traceIds.add(span.traceId);
    batch.push(fromTraceFileSpan(span));
    if (batch.length >= batchSize) flush();
  }
  flush();
  result.traces = traceIds.size;
  return result;
}
