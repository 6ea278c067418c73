// Formatting and attribute reading shared by the page's views.
import type { Attrs, AttrValue } from '../store/span-record.js';

/** A duration for people: `850 µs`, `12.3 ms`, `4.21 s`, `2m 05s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** A start time: time of day for today, date and time otherwise. */
export function formatTime(ms: number, now = Date.now()): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '–';
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  const sameDay = new Date(now).toDateString() === d.toDateString();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** US dollars with enough digits for fractions of a cent. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '–';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

/** A count with thousands separators. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US');
}

/** An attribute as a string (numbers and booleans converted), or undefined. */
export function str(attrs: Attrs, key: string): string | undefined {
  const v = attrs[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** An attribute as a number (numeric strings too: int64 arrive as strings), or undefined. */
export function num(attrs: Attrs, key: string): number | undefined {
  const v = attrs[key];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** An attribute as a boolean (`"true"` too), or undefined. */
export function bool(attrs: Attrs, key: string): boolean | undefined {
  const v = attrs[key];
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** An attribute as a list of strings (a single value becomes one item; a JSON array string is parsed). */
export function strList(attrs: Attrs, key: string): string[] {
  const v = attrs[key];
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  if (typeof v === 'string') {
    const parsed = parseJson(v);
    if (Array.isArray(parsed)) return parsed.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    return v === '' ? [] : [v];
  }
  if (v === undefined || v === null) return [];
  return [String(v)];
}

/** JSON.parse that answers undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A JSON-string attribute parsed (an already structured value as is), or undefined. */
export function jsonAttr(attrs: Attrs, key: string): unknown {
  const v: AttrValue | undefined = attrs[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t.startsWith('{') || t.startsWith('[') || t.startsWith('"')) return parseJson(t) ?? v;
    return v;
  }
  return v;
}

/** Any value as display text: strings as they are, everything else as indented JSON. */
export function displayText(value: unknown): string {
  if (typeof value === 'string') {
    // Pretty-printing a value of megabytes would stall the page; those are shown as they came.
    const t = value.length < 1_000_000 ? value.trim() : '';
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      const parsed = parseJson(t);
      if (parsed !== undefined) return JSON.stringify(parsed, null, 2);
    }
    return value;
  }
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The Glassbox span type of a span, or a type guessed from other conventions (OpenInference, AI SDK). */
export function spanTypeOf(attrs: Attrs): string | undefined {
  const own = str(attrs, 'glassbox.span.type');
  if (own) return own;
  const oi = str(attrs, 'openinference.span.kind');
  if (oi) return oi.toUpperCase();
  const op = str(attrs, 'gen_ai.operation.name');
  if (op === 'chat' || op === 'text_completion' || op === 'generate_content') return 'LLM';
  if (op === 'embeddings') return 'EMBEDDING';
  if (op === 'execute_tool') return 'TOOL';
  if (op === 'retrieval') return 'RETRIEVER';
  const ai = str(attrs, 'ai.operationId');
  if (ai) return ai.includes('toolCall') ? 'TOOL' : ai.includes('embed') ? 'EMBEDDING' : 'LLM';
  return undefined;
}
