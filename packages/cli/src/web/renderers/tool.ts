/// <reference lib="dom" />
// Tool spans: which tool, the arguments the model sent, and the result (or the error).
import { h } from '../dom.js';
import { jsonAttr, spanTypeOf, str } from '../format.js';
import { facts, section, valueView } from '../value-view.js';
import type { SpanRenderer } from './renderer.js';

/** Tool spans. */
export const toolRenderer: SpanRenderer = {
  name: 'tool',
  applies(span) {
    const a = span.attributes;
    // spanTypeOf covers Glassbox's type, OpenInference's TOOL kind, gen_ai `execute_tool` and the
    // Vercel AI SDK's `ai.toolCall` operation (whose spans carry no gen_ai.* keys at all).
    return (
      spanTypeOf(a) === 'TOOL' ||
      a['gen_ai.tool.name'] !== undefined ||
      a['tool.name'] !== undefined ||
      a['ai.toolCall.name'] !== undefined
    );
  },
  render(span) {
    const a = span.attributes;
    const args =
      jsonAttr(a, 'glassbox.inputs') ??
      jsonAttr(a, 'gen_ai.tool.call.arguments') ??
      jsonAttr(a, 'tool.parameters') ??
      jsonAttr(a, 'input.value') ??
      jsonAttr(a, 'ai.toolCall.args');
    const result =
      jsonAttr(a, 'glassbox.outputs') ??
      jsonAttr(a, 'gen_ai.tool.call.result') ??
      jsonAttr(a, 'output.value') ??
      jsonAttr(a, 'ai.toolCall.result');
    return h(
      'div',
      { class: 'tool-view' },
      section(
        'Tool',
        facts([
          ['name', str(a, 'gen_ai.tool.name') ?? str(a, 'tool.name') ?? str(a, 'ai.toolCall.name')],
          ['call id', str(a, 'gen_ai.tool.call.id') ?? str(a, 'ai.toolCall.id')],
          ['type', str(a, 'gen_ai.tool.type')],
          ['description', str(a, 'gen_ai.tool.description') ?? str(a, 'tool.description')],
        ]),
      ),
      section(
        'Arguments',
        args === undefined ? h('p', { class: 'muted' }, 'Not recorded.') : valueView(args),
      ),
      section(
        span.statusCode === 2 ? 'Result (failed)' : 'Result',
        result === undefined
          ? h(
              'p',
              { class: 'muted' },
              span.statusCode === 2 ? 'The tool threw; see the error below.' : 'Not recorded.',
            )
          : valueView(result),
      ),
    );
  },
};
