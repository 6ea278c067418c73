/// <reference lib="dom" />
// Prompt attributes set by definePrompt().render(): which template and version, its variables and size.
import { h } from '../dom.js';
import { jsonAttr, num, str } from '../format.js';
import { facts, section, valueView } from '../value-view.js';
import type { SpanRenderer } from './renderer.js';

/** Spans that rendered a prompt. */
export const promptRenderer: SpanRenderer = {
  name: 'prompt',
  applies(span) {
    return (
      span.attributes['glassbox.prompt.name'] !== undefined ||
      span.attributes['gen_ai.prompt.name'] !== undefined
    );
  },
  render(span) {
    const a = span.attributes;
    const over = span.events.find((e) => e.name === 'glassbox.prompt.over_budget');
    const length = num(a, 'glassbox.prompt.rendered_length');
    const variables = jsonAttr(a, 'glassbox.prompt.variables');
    return section(
      'Prompt',
      facts([
        ['name', str(a, 'glassbox.prompt.name') ?? str(a, 'gen_ai.prompt.name')],
        ['version', str(a, 'glassbox.prompt.version')],
        [
          'rendered length',
          length !== undefined ? `${length.toLocaleString('en-US')} characters` : undefined,
        ],
        [
          'over budget',
          over
            ? h(
                'span',
                { class: 'badge status-error' },
                `over ${str(over.attributes, 'glassbox.prompt.max_chars') ?? '?'} characters`,
              )
            : undefined,
        ],
      ]),
      variables !== undefined
        ? h('div', null, h('div', { class: 'sub-label' }, 'variables'), valueView(variables, { limit: 800 }))
        : null,
    );
  },
};
