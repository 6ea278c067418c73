import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { ATTR } from '@glassbox/core';
import { readTraceFile, type TraceFileSpan } from '@glassbox/exporters';
import { z } from 'zod';
import type { DatasetExample } from './records.js';
import { type PlainSpan, toPlainSpan } from './trace-text.js';

/** One example as `evaluate` runs it: a dataset example with a stable id and, when known, its spans. */
export interface EvalExample extends Omit<DatasetExample, 'id' | 'feedback'> {
  /** Its own id, else a hash of its inputs (so a baseline matches by content). */
  id: string;
  /** The spans of the example's trace (from a trace file). */
  trace?: PlainSpan[];
}

/** An example given in an array: `inputs` at least. */
export type ExampleInput = Partial<Omit<DatasetExample, 'inputs'>> & { inputs: unknown };

/** A dataset or trace file that cannot be read as examples. */
export class EvalDataError extends Error {
  override readonly name = 'EvalDataError';
}

const EXAMPLE = z.looseObject({
  id: z.string().min(1).optional(),
  inputs: z.unknown(),
  outputs: z.unknown().optional(),
  expectations: z.record(z.string(), z.unknown()).optional(),
  traceId: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  spanId: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** Reads `evaluate`'s data: an array of examples, a JSONL dataset (the viewer's export) or a trace file. */
export async function loadExamples(data: readonly ExampleInput[] | string): Promise<EvalExample[]> {
  if (typeof data === 'string') return withIds(await loadFile(data));
  if (!Array.isArray(data)) throw new EvalDataError('`data` must be an array of examples or a file path');
  return withIds(data.map((item, i) => parseExample(item, `data[${i}]`)));
}

function parseExample(item: unknown, where: string): Omit<EvalExample, 'id'> & { id?: string } {
  if (typeof item === 'object' && item !== null && !Object.hasOwn(item, 'inputs'))
    throw new EvalDataError(`${where}.inputs: required`);
  const parsed = EXAMPLE.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new EvalDataError(`${where}${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
  }
  const { id, inputs, outputs, expectations, traceId, spanId, metadata } = parsed.data;
  return {
    inputs,
    ...(id !== undefined ? { id } : {}),
    ...(outputs !== undefined ? { outputs } : {}),
    ...(expectations ? { expectations } : {}),
    ...(traceId ? { traceId } : {}),
    ...(spanId ? { spanId } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

async function loadFile(path: string): Promise<(Omit<EvalExample, 'id'> & { id?: string })[]> {
  let text: string;
  try {
    const handle = await open(path);
    try {
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new EvalDataError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const lines = text.split('\n');
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined) throw new EvalDataError(`${path} holds no examples`);
  let head: unknown;
  try {
    head = JSON.parse(first);
  } catch {
    throw new EvalDataError(
      `${path}: line 1 is not JSON (expected a JSONL dataset or an OTLP/JSON trace file)`,
    );
  }
  if (typeof head === 'object' && head !== null && 'resourceSpans' in head) return loadTraceFile(path);
  const out: (Omit<EvalExample, 'id'> & { id?: string })[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new EvalDataError(`${path}: line ${i + 1} is not JSON`);
    }
    out.push(parseExample(item, `${path}: line ${i + 1}`));
  }
  return out;
}

const isFeedback = (s: TraceFileSpan) => typeof s.attributes[ATTR.FEEDBACK_NAME] === 'string';
const parse = (v: unknown): unknown => {
  if (typeof v !== 'string') return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

/** One example per trace: the root span's inputs and outputs, expectations from feedback spans in the file. */
async function loadTraceFile(path: string): Promise<(Omit<EvalExample, 'id'> & { id?: string })[]> {
  const byTrace = new Map<string, TraceFileSpan[]>();
  const expectations = new Map<string, Record<string, unknown>>();
  for await (const span of readTraceFile(path)) {
    if (isFeedback(span)) {
      const target = span.attributes[ATTR.FEEDBACK_TARGET_TRACE_ID];
      const expected = parse(span.attributes[ATTR.FEEDBACK_EXPECTATIONS]);
      if (typeof target === 'string' && expected && typeof expected === 'object')
        expectations.set(target, { ...expectations.get(target), ...(expected as Record<string, unknown>) });
      continue;
    }
    const list = byTrace.get(span.traceId) ?? [];
    list.push(span);
    byTrace.set(span.traceId, list);
  }
  const out: (Omit<EvalExample, 'id'> & { id?: string })[] = [];
  for (const [traceId, spans] of byTrace) {
    const ids = new Set(spans.map((s) => s.spanId));
    const root = spans
      .filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId))
      .sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1))[0];
    // A judge's own trace, or an evaluate() run's example, is not an example of the application.
    if (
      !root ||
      root.attributes[ATTR.SPAN_TYPE] === 'EVALUATOR' ||
      root.attributes[ATTR.EVAL_RUN_ID] !== undefined
    )
      continue;
    const outputs = parse(root.attributes[ATTR.OUTPUTS]);
    const expected = expectations.get(traceId);
    out.push({
      id: traceId,
      inputs: parse(root.attributes[ATTR.INPUTS]),
      ...(outputs !== undefined ? { outputs } : {}),
      ...(expected ? { expectations: expected } : {}),
      traceId,
      spanId: root.spanId,
      trace: spans.map(toPlainSpan),
    });
  }
  if (out.length === 0) throw new EvalDataError(`${path} holds no traces to judge`);
  return out;
}

/** Gives every example a stable id: its own, else a hash of its inputs (so a baseline matches by content). */
function withIds(examples: (Omit<EvalExample, 'id'> & { id?: string })[]): EvalExample[] {
  const seen = new Map<string, number>();
  return examples.map((example) => {
    let id = example.id ?? hashOf(example.inputs);
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) id = `${id}#${n}`;
    return { ...example, id };
  });
}

function hashOf(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? 'undefined';
  } catch {
    text = String(value);
  }
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}
