import type { Attributes, SpanStatus } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { redactString } from '../capture/redact.js';
import type { Runtime } from './runtime.js';
import { cutText, MAX_STATUS_LENGTH, safeAttributes, safeLinks, safeName } from './sanitize.js';

/**
 * A span made by another library (HTTP, database, an LLM SDK's own instrumentation), or one of ours
 * captured under other rules, as it may leave through a processor: its name, attributes, event names
 * and attributes, link attributes and status message redacted and bounded by that processor's rules.
 * Runs at export time, off the application's hot path; returns the span itself when nothing changed,
 * else a view of it (same prototype, so methods such as spanContext() keep working). The app's span
 * object is never modified.
 */
export function exportView(span: ReadableSpan, runtime: Runtime): ReadableSpan {
  const name = safeName(span.name, runtime);
  const attributes = safeAttributes(span.attributes, runtime);
  const events = mapChanged(span.events, (event) => safeEvent(event, runtime));
  const links = safeLinks(span.links as never, runtime) ?? span.links;
  const status = safeStatus(span.status, runtime);
  if (
    name === span.name &&
    attributes === span.attributes &&
    events === span.events &&
    links === span.links &&
    status === span.status
  ) {
    return span;
  }
  return Object.create(span, {
    name: { value: name, enumerable: true },
    attributes: { value: attributes, enumerable: true },
    events: { value: events, enumerable: true },
    links: { value: links, enumerable: true },
    status: { value: status, enumerable: true },
  }) as ReadableSpan;
}

function safeEvent(event: TimedEvent, runtime: Runtime): TimedEvent {
  const name = safeName(event.name, runtime);
  const attributes: Attributes | undefined = event.attributes
    ? safeAttributes(event.attributes, runtime)
    : undefined;
  if (name === event.name && attributes === event.attributes) return event;
  return { ...event, name, attributes };
}

function safeStatus(status: SpanStatus, runtime: Runtime): SpanStatus {
  if (typeof status?.message !== 'string' || status.message === '') return status;
  const message = cutText(
    redactString(status.message, runtime.capture.redactor, MAX_STATUS_LENGTH),
    MAX_STATUS_LENGTH,
  );
  return message === status.message ? status : { ...status, message };
}

function mapChanged<T>(items: readonly T[], map: (item: T) => T): T[] {
  let out: T[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const next = map(items[i]!);
    if (next === items[i]) continue;
    out ??= items.slice();
    out[i] = next;
  }
  return out ?? (items as T[]);
}
