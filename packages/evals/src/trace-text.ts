// A trace as text a judge model can read: a bounded tree of name, type, duration and status, with short
// inputs and outputs, and the documents a retriever found (so a judge can check citations).

/** A span in the plain shape the trace text is built from. */
export interface PlainSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startMs: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes: Record<string, unknown>;
}

/** An OpenTelemetry `ReadableSpan`, as far as the trace text reads it. */
export interface ReadableSpanLike {
  name: string;
  spanContext(): { traceId: string; spanId: string };
  parentSpanContext?: { spanId: string } | undefined;
  startTime: [number, number];
  duration: [number, number];
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
}

/** A span read back by `readTraceFile`, as far as the trace text reads it. */
export interface TraceFileSpanLike {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startTimeUnixNano: bigint;
  durationMs: number;
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
}

/** Any span the trace text accepts. */
export type TraceSpanLike = PlainSpan | ReadableSpanLike | TraceFileSpanLike;

/** Bounds of `renderTrace`. */
export interface RenderTraceOptions {
  /** Characters of the whole text (default 8000). */
  maxChars?: number;
  /** Characters of each inputs/outputs value (default 300). */
  maxValueChars?: number;
}

const STATUS = ['unset', 'ok', 'error'] as const;

/** Converts any accepted span to the plain shape. */
export function toPlainSpan(span: TraceSpanLike): PlainSpan {
  if (typeof (span as ReadableSpanLike).spanContext === 'function') {
    const s = span as ReadableSpanLike;
    const ids = s.spanContext();
    return {
      name: s.name,
      traceId: ids.traceId,
      spanId: ids.spanId,
      ...(s.parentSpanContext?.spanId ? { parentSpanId: s.parentSpanContext.spanId } : {}),
      startMs: s.startTime[0] * 1e3 + s.startTime[1] / 1e6,
      durationMs: s.duration[0] * 1e3 + s.duration[1] / 1e6,
      status: STATUS[s.status.code] ?? 'unset',
      ...(s.status.message ? { statusMessage: s.status.message } : {}),
      attributes: s.attributes,
    };
  }
  if (typeof (span as TraceFileSpanLike).startTimeUnixNano === 'bigint') {
    const s = span as TraceFileSpanLike;
    return {
      name: s.name,
      traceId: s.traceId,
      spanId: s.spanId,
      ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
      startMs: Number(s.startTimeUnixNano / 1000n) / 1e3,
      durationMs: s.durationMs,
      status: STATUS[s.status.code] ?? 'unset',
      ...(s.status.message ? { statusMessage: s.status.message } : {}),
      attributes: s.attributes,
    };
  }
  return span as PlainSpan;
}

/** Renders spans as an indented tree (children under their parent, by start time), cut to `maxChars`. */
export function renderTrace(spans: readonly TraceSpanLike[], options: RenderTraceOptions = {}): string {
  const maxChars = options.maxChars ?? 8000;
  const maxValue = options.maxValueChars ?? 300;
  const plain = spans.map(toPlainSpan).sort((a, b) => a.startMs - b.startMs);
  if (plain.length === 0) return '(no spans recorded)';
  const ids = new Set(plain.map((s) => s.spanId));
  const children = new Map<string | undefined, PlainSpan[]>();
  for (const span of plain) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    const list = children.get(parent) ?? [];
    list.push(span);
    children.set(parent, list);
  }
  const lines: string[] = [];
  let used = 0;
  let written = 0;
  const visit = (span: PlainSpan, depth: number): boolean => {
    const block = describeSpan(span, '  '.repeat(depth), maxValue);
    if (used + block.length + 1 > maxChars) return false;
    lines.push(block);
    used += block.length + 1;
    written++;
    for (const child of children.get(span.spanId) ?? []) if (!visit(child, depth + 1)) return false;
    return true;
  };
  for (const root of children.get(undefined) ?? []) if (!visit(root, 0)) break;
  if (written < plain.length) lines.push(`… (${plain.length - written} more spans not shown)`);
  return lines.join('\n');
}

function describeSpan(span: PlainSpan, indent: string, maxValue: number): string {
  const a = span.attributes;
  const type = typeof a['glassbox.span.type'] === 'string' ? ` [${a['glassbox.span.type']}]` : '';
  const status =
    span.status === 'error' ? ` ERROR${span.statusMessage ? `: ${span.statusMessage}` : ''}` : '';
  const head = `${indent}- ${span.name}${type} ${Math.round(span.durationMs)}ms${status}`;
  const more: string[] = [];
  const model = a['gen_ai.request.model'];
  if (typeof model === 'string') {
    const tokens = [a['gen_ai.usage.input_tokens'], a['gen_ai.usage.output_tokens']];
    const usage = tokens.every((t) => typeof t === 'number')
      ? `, ${tokens[0]} in / ${tokens[1]} out tokens`
      : '';
    more.push(`model: ${model}${usage}`);
  }
  const documents = parseJson(a['glassbox.retrieval.documents']);
  if (Array.isArray(documents)) {
    const list = documents
      .map((d) => (d && typeof d === 'object' ? (d as { id?: unknown }).id : undefined))
      .filter((id) => id !== undefined && id !== null)
      .map(String);
    if (list.length > 0) more.push(`documents: ${list.join(', ')}`);
  }
  for (const [key, label] of [
    ['glassbox.inputs', 'inputs'],
    ['glassbox.outputs', 'outputs'],
  ] as const) {
    const value = a[key];
    if (value !== undefined) more.push(`${label}: ${cut(shortJson(value), maxValue)}`);
  }
  return [head, ...more.map((line) => `${indent}    ${line}`)].join('\n');
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function shortJson(value: unknown): string {
  const parsed = parseJson(value);
  if (typeof parsed === 'string') return JSON.stringify(parsed);
  try {
    return JSON.stringify(parsed) ?? String(parsed);
  } catch {
    return String(parsed);
  }
}

/** Cuts text to `max` characters with an ellipsis. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
