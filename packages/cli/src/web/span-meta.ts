/// <reference lib="dom" />
// How a span is labelled everywhere: its type (colour), its status, its guardrail decision.
import type { SpanRecord } from '../store/span-record.js';
import { h } from './dom.js';
import { spanTypeOf, str } from './format.js';

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];

/** The OpenTelemetry span kind's name. */
export function kindName(kind: number): string {
  return KINDS[kind] ?? String(kind);
}

/** The span type shown for a span (`glassbox.span.type`, else one guessed, else the span kind). */
export function typeLabel(span: SpanRecord): string {
  return spanTypeOf(span.attributes) ?? kindName(span.kind).toUpperCase();
}

/** The CSS class naming the colour of a type. */
export function typeClass(type: string): string {
  return `t-${type.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
}

/** A guardrail's decision, when the span is a guardrail. */
export function guardrailDecision(span: SpanRecord): string | undefined {
  return str(span.attributes, 'glassbox.guardrail.decision');
}

/** True for a span that is an error, or a guardrail that blocked. */
export function isBad(span: SpanRecord): boolean {
  return span.statusCode === 2 || guardrailDecision(span) === 'block';
}

/** A coloured badge of a span type. */
export function typeBadge(type: string): HTMLElement {
  return h('span', { class: `badge type ${typeClass(type)}` }, type);
}

/** A badge of a span status (nothing for UNSET). */
export function statusBadge(code: number): HTMLElement | undefined {
  if (code === 2) return h('span', { class: 'badge status-error' }, 'error');
  if (code === 1) return h('span', { class: 'badge status-ok' }, 'ok');
  return undefined;
}

/** A badge of a guardrail decision: red for block, amber for modify, green for pass. */
export function decisionBadge(decision: string): HTMLElement {
  const cls =
    decision === 'block' ? 'decision-block' : decision === 'modify' ? 'decision-modify' : 'decision-pass';
  return h(
    'span',
    { class: `badge ${cls}`, 'data-decision': decision },
    decision === 'block' ? 'blocked' : decision,
  );
}
