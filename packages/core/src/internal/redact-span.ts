import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { REDACTED, type Redactor } from '../capture/redact.js';
import { TRACER_NAME } from './state.js';

/**
 * Applies the redaction rules to a span made by another library (HTTP, database, an LLM SDK's own
 * instrumentation) on its way to our exporters: secret-looking keys lose their value and secret-looking
 * substrings are masked. Our own spans were redacted at capture time and pass through untouched. Runs
 * at export time, off the application's hot path; returns the span itself when nothing changed.
 */
export function redactForeignSpan(span: ReadableSpan, redactor: Redactor | undefined): ReadableSpan {
  if (redactor === undefined || span.instrumentationScope?.name === TRACER_NAME) return span;
  const attributes = redactAttributes(span.attributes, redactor);
  let events = span.events;
  let eventsChanged = false;
  if (events.length > 0) {
    const mapped = events.map((event) => {
      const attrs = event.attributes ? redactAttributes(event.attributes, redactor) : undefined;
      if (attrs === undefined || attrs === event.attributes) return event;
      eventsChanged = true;
      return { ...event, attributes: attrs };
    });
    if (eventsChanged) events = mapped;
  }
  if (attributes === span.attributes && !eventsChanged) return span;
  // A view of the original span: same prototype (methods such as spanContext() keep working), with the
  // redacted attributes and events shadowing the originals. The app's span object is not modified.
  return Object.create(span, {
    attributes: { value: attributes, enumerable: true },
    events: { value: events, enumerable: true },
  }) as ReadableSpan;
}

function redactAttributes(attributes: Attributes, redactor: Redactor): Attributes {
  let out: Attributes | undefined;
  for (const key of Object.keys(attributes)) {
    const value = attributes[key];
    let next = value;
    if (redactor.isSecretKey(key)) next = REDACTED;
    else if (typeof value === 'string') next = redactor.redactText(value);
    else if (Array.isArray(value) && value.some((v) => typeof v === 'string')) {
      const mapped = (value as unknown[]).map((v) => (typeof v === 'string' ? redactor.redactText(v) : v));
      if (mapped.some((v, i) => v !== value[i])) next = mapped as typeof value;
    }
    if (next !== value) {
      out ??= { ...attributes };
      out[key] = next;
    }
  }
  return out ?? attributes;
}
