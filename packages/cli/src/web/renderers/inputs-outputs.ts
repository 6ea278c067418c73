/// <reference lib="dom" />
// Inputs and outputs of any step: Glassbox's glassbox.inputs/outputs, OpenInference's input/output.value.
import type { Attrs } from '../../store/span-record.js';
import { h } from '../dom.js';
import { jsonAttr, str } from '../format.js';
import { section, valueView } from '../value-view.js';
import type { SpanRenderer } from './renderer.js';

function pick(attrs: Attrs, keys: string[]): unknown {
  for (const key of keys) if (attrs[key] !== undefined) return jsonAttr(attrs, key);
  return undefined;
}

/** The step's inputs and outputs (skipped for tools, whose view shows them as arguments and result). */
export const inputsOutputsRenderer: SpanRenderer = {
  name: 'inputs and outputs',
  applies(span) {
    const a = span.attributes;
    if (str(a, 'glassbox.span.type') === 'TOOL') return false;
    return ['glassbox.inputs', 'glassbox.outputs', 'input.value', 'output.value'].some(
      (k) => a[k] !== undefined,
    );
  },
  render(span) {
    const a = span.attributes;
    const inputs = pick(a, ['glassbox.inputs', 'input.value']);
    const outputs = pick(a, ['glassbox.outputs', 'output.value']);
    return h(
      'div',
      { class: 'io-view' },
      inputs !== undefined ? section('Inputs', valueView(inputs)) : null,
      outputs !== undefined ? section('Outputs', valueView(outputs)) : null,
      a['glassbox.truncated'] === true
        ? h('p', { class: 'muted' }, 'A value was cut to maxValueLength when it was recorded.')
        : null,
    );
  },
};
