/// <reference lib="dom" />
// Everything a span carries, as received: attributes, events, links, resource and scope.
import type { Attrs, SpanRecord } from '../store/span-record.js';
import { h } from './dom.js';
import { formatDuration } from './format.js';
import { section, valueView } from './value-view.js';

/** A table of attributes, keys sorted. */
export function attributeTable(attrs: Attrs, className = 'attrs'): HTMLElement {
  const keys = Object.keys(attrs).sort();
  if (keys.length === 0) return h('p', { class: 'muted' }, 'none');
  return h(
    'table',
    { class: `grid ${className}` },
    h(
      'tbody',
      null,
      keys.map((key) =>
        h(
          'tr',
          { 'data-key': key },
          h('th', { class: 'mono attr-key' }, key),
          h(
            'td',
            { class: 'attr-value' },
            valueView(attrs[key], {
              limit: 400,
              raw: typeof attrs[key] === 'string' && !String(attrs[key]).trim().match(/^[[{]/),
            }),
          ),
        ),
      ),
    ),
  );
}

function nanoOffsetMs(timeUnixNano: string, startUnixNano: string): number {
  try {
    return Number(BigInt(timeUnixNano) - BigInt(startUnixNano)) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** The raw tab of a span. */
export function rawView(span: SpanRecord): HTMLElement {
  return h(
    'div',
    { class: 'raw-view' },
    section(`Attributes (${Object.keys(span.attributes).length})`, attributeTable(span.attributes)),
    section(
      `Events (${span.events.length})`,
      span.events.length === 0
        ? h('p', { class: 'muted' }, 'none')
        : span.events.map((e) =>
            h(
              'div',
              { class: 'raw-event' },
              h(
                'div',
                { class: 'raw-event-head' },
                h('b', { class: 'mono' }, e.name),
                h(
                  'span',
                  { class: 'muted' },
                  ` +${formatDuration(nanoOffsetMs(e.timeUnixNano, span.startTimeUnixNano))}`,
                ),
              ),
              attributeTable(e.attributes),
            ),
          ),
    ),
    section(
      `Links (${span.links.length})`,
      span.links.length === 0
        ? h('p', { class: 'muted' }, 'none')
        : span.links.map((l) =>
            h(
              'div',
              { class: 'raw-link' },
              h(
                'a',
                { href: `#/trace/${l.traceId}/${l.spanId}`, class: 'mono' },
                `${l.traceId} / ${l.spanId}`,
              ),
              attributeTable(l.attributes),
            ),
          ),
    ),
    section('Resource', attributeTable(span.resource)),
    section('Scope', valueView(span.scope)),
    section(
      'Span',
      valueView({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId,
        name: span.name,
        kind: span.kind,
        startTimeUnixNano: span.startTimeUnixNano,
        endTimeUnixNano: span.endTimeUnixNano,
        statusCode: span.statusCode,
        statusMessage: span.statusMessage,
      }),
    ),
  );
}
