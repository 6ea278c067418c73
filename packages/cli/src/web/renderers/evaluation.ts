/// <reference lib="dom" />
// Judgements recorded on a span: gen_ai.evaluation.result events, and logFeedback's feedback spans.
import { h } from '../dom.js';
import { str } from '../format.js';
import { facts, section, valueView } from '../value-view.js';
import type { SpanRenderer } from './renderer.js';

/** Evaluation events and feedback spans. */
export const evaluationRenderer: SpanRenderer = {
  name: 'evaluation',
  applies(span) {
    return (
      span.attributes['glassbox.feedback.name'] !== undefined ||
      span.events.some((e) => e.name === 'gen_ai.evaluation.result')
    );
  },
  render(span) {
    const a = span.attributes;
    const events = span.events.filter((e) => e.name === 'gen_ai.evaluation.result');
    return h(
      'div',
      { class: 'evaluation-view' },
      a['glassbox.feedback.name'] !== undefined
        ? section(
            'Feedback',
            facts([
              ['name', str(a, 'glassbox.feedback.name')],
              ['value', str(a, 'glassbox.feedback.value')],
              ['rationale', str(a, 'glassbox.feedback.rationale')],
              [
                'source',
                [str(a, 'glassbox.feedback.source'), str(a, 'glassbox.feedback.source.id')]
                  .filter(Boolean)
                  .join(' · '),
              ],
              ['judged trace', str(a, 'glassbox.feedback.target.trace_id')],
              ['judged span', str(a, 'glassbox.feedback.target.span_id')],
            ]),
            a['glassbox.feedback.expectations'] !== undefined
              ? valueView(a['glassbox.feedback.expectations'])
              : null,
          )
        : null,
      events.length
        ? section(
            'Evaluations',
            events.map((e) =>
              facts([
                ['name', str(e.attributes, 'gen_ai.evaluation.name')],
                ['score', str(e.attributes, 'gen_ai.evaluation.score.value')],
                ['label', str(e.attributes, 'gen_ai.evaluation.score.label')],
                ['explanation', str(e.attributes, 'gen_ai.evaluation.explanation')],
              ]),
            ),
          )
        : null,
    );
  },
};
