/// <reference lib="dom" />
// Failed spans: the status message, the error type and each recorded exception with its stack.
import { h } from '../dom.js';
import { str } from '../format.js';
import { facts, section, valueView } from '../value-view.js';
import type { SpanRenderer } from './renderer.js';

/** Errors and exception events. */
export const errorRenderer: SpanRenderer = {
  name: 'error',
  applies(span) {
    return span.statusCode === 2 || span.events.some((e) => e.name === 'exception');
  },
  render(span) {
    const exceptions = span.events.filter((e) => e.name === 'exception');
    return h(
      'div',
      { class: 'error-view' },
      section(
        'Error',
        facts([
          ['status', span.statusCode === 2 ? 'ERROR' : undefined],
          ['message', span.statusMessage],
          ['error.type', str(span.attributes, 'error.type')],
        ]),
        exceptions.map((e) =>
          h(
            'div',
            { class: 'exception' },
            h(
              'div',
              { class: 'exception-head' },
              h('b', null, str(e.attributes, 'exception.type') ?? 'exception'),
              str(e.attributes, 'exception.message') ? `: ${str(e.attributes, 'exception.message')}` : null,
            ),
            str(e.attributes, 'exception.stacktrace')
              ? valueView(str(e.attributes, 'exception.stacktrace'), {
                  raw: true,
                  limit: 1500,
                  className: 'stack',
                })
              : null,
          ),
        ),
      ),
    );
  },
};
