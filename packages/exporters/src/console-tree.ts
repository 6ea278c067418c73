import { ATTR } from '@glassbox/core';
import { type AttributeValue, type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type SpanNode as Node, spanTrees } from './span-tree.js';

/** How `renderTree` draws spans. */
export interface TreeStyle {
  colors: boolean;
  maxValueChars: number;
  showAttributes: boolean;
}

/** Attributes already shown on the span's own line or its in/out lines. */
const SHOWN = new Set<string>([
  ATTR.SPAN_TYPE,
  ATTR.INPUTS,
  ATTR.OUTPUTS,
  ATTR.GEN_AI_USAGE_INPUT_TOKENS,
  ATTR.GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR.REWRITE_FLAGGED,
  ATTR.GEN_AI_USAGE_COST,
  ATTR.TRACE_COST_USD,
  ATTR.TRACE_INPUT_TOKENS,
  ATTR.TRACE_OUTPUT_TOKENS,
  ATTR.TRACE_OVER_BUDGET,
  ATTR.GUARDRAIL_DECISION,
]);

/** Renders spans of one trace as trees: every span whose parent is not among them starts a tree. */
export function renderTree(spans: ReadableSpan[], style: TreeStyle): string[] {
  const roots = spanTrees(spans);
  const c = palette(style.colors);
  const lines: string[] = [];
  for (const root of roots) {
    const summary = traceSummary(root, c);
    lines.push(
      `${label(root.span, style, c)}${summary} ${c.dim(`· trace ${root.span.spanContext().traceId}`)}`,
    );
    pushDetails(lines, root, root.children.length > 0 ? c.dim('│  ') : '   ', style, c);
    pushChildren(lines, root, '', style, c);
  }
  return lines;
}

function pushNode(lines: string[], node: Node, prefix: string, last: boolean, style: TreeStyle, c: Palette) {
  lines.push(`${prefix}${c.dim(last ? '└─ ' : '├─ ')}${label(node.span, style, c)}`);
  const childPrefix = prefix + (last ? '   ' : c.dim('│  '));
  pushDetails(lines, node, childPrefix + (node.children.length > 0 ? c.dim('│  ') : '   '), style, c);
  pushChildren(lines, node, childPrefix, style, c);
}

function pushChildren(lines: string[], node: Node, prefix: string, style: TreeStyle, c: Palette) {
  const last = node.children.length - 1;
  for (const [i, child] of node.children.entries()) pushNode(lines, child, prefix, i === last, style, c);
}

function pushDetails(lines: string[], node: Node, prefix: string, style: TreeStyle, c: Palette) {
  const attrs = node.span.attributes;
  const max = style.maxValueChars;
  // LLM spans carry their content as GenAI messages rather than glassbox.inputs/outputs: show the last
  // input message and the first output message's text instead.
  const input = attrs[ATTR.INPUTS] ?? lastMessageText(attrs[ATTR.GEN_AI_INPUT_MESSAGES], 'last');
  const output = attrs[ATTR.OUTPUTS] ?? lastMessageText(attrs[ATTR.GEN_AI_OUTPUT_MESSAGES], 'first');
  if (input !== undefined) lines.push(`${prefix}${c.dim('in: ')} ${oneLine(input, max)}`);
  if (output !== undefined) lines.push(`${prefix}${c.dim('out:')} ${oneLine(output, max)}`);
  if (!style.showAttributes) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (!SHOWN.has(key) && value !== undefined)
      lines.push(`${prefix}${c.dim(`${key} =`)} ${oneLine(value, max)}`);
  }
}

/** The text (or tool calls) of one message of a `gen_ai.*.messages` JSON attribute, if it parses. */
function lastMessageText(value: unknown, which: 'first' | 'last'): string | undefined {
  if (typeof value !== 'string') return undefined;
  let messages: unknown;
  try {
    messages = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  const message = (which === 'last' ? messages.at(-1) : messages[0]) as { parts?: unknown } | undefined;
  if (!message || !Array.isArray(message.parts)) return undefined;
  const texts: string[] = [];
  for (const part of message.parts as {
    type?: string;
    content?: unknown;
    name?: unknown;
    arguments?: unknown;
  }[]) {
    if (part?.type === 'text' && typeof part.content === 'string') texts.push(part.content);
    else if (part?.type === 'tool_call')
      texts.push(`→ ${String(part.name)}(${JSON.stringify(part.arguments ?? {})})`);
    else if (part?.type === 'tool_call_response')
      texts.push(`tool result ${JSON.stringify(part.content ?? (part as any).response)}`);
  }
  return texts.length > 0 ? texts.join(' ') : undefined;
}

function label(span: ReadableSpan, style: TreeStyle, c: Palette): string {
  const attrs = span.attributes;
  const parts = [c.bold(oneLine(span.name, style.maxValueChars))];
  const type = attrs[ATTR.SPAN_TYPE];
  if (type !== undefined) parts.push(c.cyan(`[${String(type)}]`));
  // Spans from other instrumentation (an HTTP server root, say) have no Glassbox type: show their kind.
  else if (span.kind !== SpanKind.INTERNAL) parts.push(c.dim(`(${SpanKind[span.kind]?.toLowerCase()})`));
  parts.push(c.dim(formatMs(hrMs(span.duration))));
  const tokensIn = attrs[ATTR.GEN_AI_USAGE_INPUT_TOKENS];
  const tokensOut = attrs[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS];
  if (tokensIn !== undefined && tokensOut !== undefined)
    parts.push(c.magenta(`tokens ${tokensIn} in / ${tokensOut} out`));
  else if (tokensIn !== undefined) parts.push(c.magenta(`tokens ${tokensIn} in`));
  else if (tokensOut !== undefined) parts.push(c.magenta(`tokens ${tokensOut} out`));
  const cost = attrs[ATTR.GEN_AI_USAGE_COST];
  if (typeof cost === 'number') parts.push(c.magenta(formatUsd(cost)));
  const decision = attrs[ATTR.GUARDRAIL_DECISION];
  if (decision === 'block') {
    const reason = attrs[ATTR.GUARDRAIL_REASON];
    parts.push(c.red(reason ? `⛔ BLOCKED: ${oneLine(reason, style.maxValueChars)}` : '⛔ BLOCKED'));
  } else if (decision === 'modify') parts.push(c.yellow('✎ modified'));
  else if (decision === 'pass') parts.push(c.dim('✓ pass'));
  if (attrs[ATTR.REWRITE_FLAGGED] === true || span.events.some((e) => e.name === ATTR.REWRITE_FLAG_EVENT)) {
    parts.push(c.yellow('⚠ flagged'));
  }
  if (span.status.code === SpanStatusCode.ERROR) {
    const exception = span.events.find((e) => e.name === 'exception')?.attributes?.['exception.message'];
    const message = span.status.message || exception || attrs[ATTR.ERROR_TYPE];
    parts.push(c.red(message ? `✗ ERROR: ${oneLine(message, style.maxValueChars)}` : '✗ ERROR'));
  }
  return parts.join(' ');
}

/**
 * The root line's trace summary: total cost and tokens of its LLM calls (summed by the span processor
 * onto the root), the budget flag, and how many guardrails blocked in the tree.
 */
function traceSummary(root: Node, c: Palette): string {
  const attrs = root.span.attributes;
  const parts: string[] = [];
  const cost = attrs[ATTR.TRACE_COST_USD];
  const tokensIn = attrs[ATTR.TRACE_INPUT_TOKENS];
  const tokensOut = attrs[ATTR.TRACE_OUTPUT_TOKENS];
  const total: string[] = [];
  if (typeof cost === 'number') total.push(formatUsd(cost));
  if (typeof tokensIn === 'number' || typeof tokensOut === 'number')
    total.push(`${tokensIn ?? 0} in / ${tokensOut ?? 0} out`);
  if (total.length > 0) parts.push(c.magenta(`Σ trace ${total.join(', ')}`));
  if (attrs[ATTR.TRACE_OVER_BUDGET] === true) {
    parts.push(c.red(`over budget (${formatUsd(Number(attrs[ATTR.TRACE_BUDGET_USD]))})`));
  }
  let blocked = 0;
  const walk = (node: Node) => {
    if (node !== root && node.span.attributes[ATTR.GUARDRAIL_DECISION] === 'block') blocked++;
    for (const child of node.children) walk(child);
  };
  walk(root);
  if (blocked > 0) parts.push(c.red(`⛔ ${blocked} blocked`));
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/** A USD amount with enough decimals for a fraction of a cent: `$1.23`, `$0.0123`, `$0.000195`, `$0.0000002`. */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '$?';
  if (usd === 0) return '$0';
  const decimals = Math.min(10, Math.max(2, 2 - Math.floor(Math.log10(Math.abs(usd)))));
  // Three significant digits, without trailing zeros past the cents.
  return `$${usd.toFixed(decimals).replace(/(\.\d{2}\d*?)0+$/, '$1')}`;
}

/** One line, no control characters (an LLM's output must not drive the terminal), at most `max` characters. */
export function oneLine(value: AttributeValue | unknown, max: number): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const flat = stripControl(text.replace(/\s+/g, ' ')).trim();
  const chars = Array.from(flat); // by code point, so an emoji is never cut in half
  return chars.length > max ? `${chars.slice(0, Math.max(1, max - 1)).join('')}…` : flat;
}

function stripControl(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? '�' : ch;
  }
  return out;
}

function formatMs(ms: number): string {
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(ms >= 1 ? 1 : 2)} ms`;
}

function hrMs([seconds, nanos]: HrTime): number {
  return seconds * 1e3 + nanos / 1e6;
}

type Paint = (text: string) => string;
interface Palette {
  bold: Paint;
  dim: Paint;
  cyan: Paint;
  magenta: Paint;
  yellow: Paint;
  red: Paint;
}

function palette(colors: boolean): Palette {
  const sgr = (open: number, close: number): Paint =>
    colors ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    cyan: sgr(36, 39),
    magenta: sgr(35, 39),
    yellow: sgr(33, 39),
    red: sgr(31, 39),
  };
}
