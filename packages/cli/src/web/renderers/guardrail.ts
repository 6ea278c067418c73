/// <reference lib="dom" />
// Guardrail spans: the decision (a block in red), why, the score and the policy.
import { h } from '../dom.js';
import { num, str } from '../format.js';
import { decisionBadge } from '../span-meta.js';
import { facts, section, valueView } from '../value-view.js';
import type { SpanRenderer } from './renderer.js';

/** Guardrail spans. */
export const guardrailRenderer: SpanRenderer = {
  name: 'guardrail',
  applies(span) {
    const a = span.attributes;
    return str(a, 'glassbox.span.type') === 'GUARDRAIL' || a['glassbox.guardrail.decision'] !== undefined;
  },
  render(span) {
    const a = span.attributes;
    const decision = str(a, 'glassbox.guardrail.decision');
    const score = num(a, 'glassbox.guardrail.score');
    return h(
      'div',
      { class: `guardrail-view${decision === 'block' ? ' blocked' : ''}` },
      decision === 'block'
        ? h(
            'div',
            { class: 'block-banner' },
            h('b', null, 'Blocked'),
            str(a, 'glassbox.guardrail.reason') ? `: ${str(a, 'glassbox.guardrail.reason')}` : null,
          )
        : null,
      section(
        'Guardrail',
        facts([
          ['name', str(a, 'glassbox.guardrail.name')],
          ['decision', decision ? decisionBadge(decision) : undefined],
          ['reason', str(a, 'glassbox.guardrail.reason')],
          ['score', score !== undefined ? String(score) : undefined],
          ['policy', str(a, 'glassbox.guardrail.policy')],
        ]),
      ),
      a['glassbox.outputs'] !== undefined && decision === 'modify'
        ? section('Modified value', valueView(a['glassbox.outputs']))
        : null,
    );
  },
};
