/// <reference lib="dom" />
// Query rewrite spans: the query before and after, how far it moved, and why it was flagged.
import { h } from '../dom.js';
import { bool, num, str, strList } from '../format.js';
import { facts, section, valueView } from '../value-view.js';
import type { SpanRenderer } from './renderer.js';

/** Query rewrite spans. */
export const rewriteRenderer: SpanRenderer = {
  name: 'query rewrite',
  applies(span) {
    const a = span.attributes;
    return str(a, 'glassbox.span.type') === 'QUERY_REWRITE' || a['glassbox.rewrite.original'] !== undefined;
  },
  render(span) {
    const a = span.attributes;
    const flagged = bool(a, 'glassbox.rewrite.flagged') === true;
    const reasons = strList(a, 'glassbox.rewrite.flag.reasons');
    const similarity = num(a, 'glassbox.rewrite.similarity');
    const ratio = num(a, 'glassbox.rewrite.length_ratio');
    const changed = bool(a, 'glassbox.rewrite.changed');
    const flagEvents = span.events.filter((e) => e.name === 'glassbox.rewrite.flag');
    return h(
      'div',
      { class: 'rewrite-view' },
      flagged
        ? h(
            'div',
            { class: 'flag-banner' },
            h('b', null, '⚠ Flagged rewrite'),
            reasons.length ? `: ${reasons.join(', ')}` : null,
          )
        : null,
      section(
        'Query rewrite',
        h(
          'div',
          { class: 'before-after' },
          h(
            'div',
            { class: 'ba-col' },
            h('div', { class: 'ba-label' }, 'before'),
            valueView(str(a, 'glassbox.rewrite.original') ?? '', { raw: true, className: 'prose' }),
          ),
          h(
            'div',
            { class: 'ba-col' },
            h('div', { class: 'ba-label' }, 'after'),
            valueView(str(a, 'glassbox.rewrite.rewritten') ?? '', { raw: true, className: 'prose' }),
          ),
        ),
        facts([
          ['similarity', similarity !== undefined ? similarity.toFixed(3) : undefined],
          ['length ratio', ratio !== undefined ? `${ratio.toFixed(2)}×` : undefined],
          ['changed', changed === undefined ? undefined : changed ? 'yes' : 'only whitespace'],
          ['flagged', flagged ? 'yes' : 'no'],
        ]),
      ),
      flagEvents.length
        ? section(
            'Flag reasons',
            h(
              'table',
              { class: 'grid' },
              h(
                'thead',
                null,
                h('tr', null, h('th', null, 'reason'), h('th', null, 'value'), h('th', null, 'threshold')),
              ),
              h(
                'tbody',
                null,
                flagEvents.map((e) =>
                  h(
                    'tr',
                    { class: 'flag-reason' },
                    h('td', null, str(e.attributes, 'glassbox.rewrite.flag.reason') ?? '?'),
                    h('td', { class: 'mono' }, str(e.attributes, 'glassbox.rewrite.flag.value') ?? ''),
                    h('td', { class: 'mono' }, str(e.attributes, 'glassbox.rewrite.flag.threshold') ?? ''),
                  ),
                ),
              ),
            ),
          )
        : null,
    );
  },
};
