import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { redactString } from '../capture/redact.js';
import type { Runtime } from './runtime.js';
import { cutText, MAX_STATUS_LENGTH } from './sanitize.js';

/** Exception messages and stacks are cut to this many characters. */
const MAX_EXCEPTION_TEXT = 8192;

/** A low-cardinality name for an error: its class name, or its code for a plain `Error`, else `_OTHER`. */
export function errorType(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null) {
      const e = error as { name?: unknown; code?: unknown; constructor?: { name?: unknown } };
      const ctor = typeof e.constructor?.name === 'string' ? e.constructor.name : undefined;
      const name = ctor && ctor !== 'Object' ? ctor : typeof e.name === 'string' ? e.name : undefined;
      if (
        (name === undefined || name === 'Error') &&
        (typeof e.code === 'string' || typeof e.code === 'number')
      ) {
        return cutText(String(e.code), 128);
      }
      return name === undefined ? '_OTHER' : cutText(name, 128);
    }
  } catch {
    // A hostile error object (throwing getters, revoked proxy) still gets a type.
  }
  return '_OTHER';
}

/** An error's message as text; never throws. */
export function errorMessage(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null) {
      const message: unknown = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
    return String(error);
  } catch {
    return '[unreadable error]';
  }
}

/** Marks a span as failed: ERROR status, an exception event and `error.type`; never throws. */
export function recordSpanError(span: Span, error: unknown, runtime: Runtime): void {
  try {
    // Error messages and stacks often echo what caused them (a 401 that repeats the API key): they go
    // through the same redaction as captured content, redacted before they are cut.
    const redactor = runtime.capture.redactor;
    const message = redactString(errorMessage(error), redactor, MAX_EXCEPTION_TEXT);
    const type = errorType(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: cutText(message, MAX_STATUS_LENGTH) });
    span.setAttribute(ATTR.ERROR_TYPE, type);
    let stack: string | undefined;
    if (error instanceof Error) {
      try {
        const raw: unknown = error.stack;
        stack = typeof raw === 'string' ? redactString(raw, redactor, MAX_EXCEPTION_TEXT) : undefined;
      } catch {
        stack = undefined;
      }
    }
    span.recordException(stack === undefined ? { name: type, message } : { name: type, message, stack });
  } catch {
    // Recording must never replace the application's own error.
  }
}
