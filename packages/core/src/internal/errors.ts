import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { redactString } from '../capture/redact.js';
import { state } from './state.js';

/** A low-cardinality name for an error: its class name, or its code for a plain `Error`, else `_OTHER`. */
export function errorType(error: unknown): string {
  try {
    if (error instanceof Error || (typeof error === 'object' && error !== null)) {
      const e = error as { name?: unknown; code?: unknown; constructor?: { name?: unknown } };
      const ctor = typeof e.constructor?.name === 'string' ? e.constructor.name : undefined;
      const name = ctor && ctor !== 'Object' ? ctor : typeof e.name === 'string' ? e.name : undefined;
      if (
        (name === undefined || name === 'Error') &&
        (typeof e.code === 'string' || typeof e.code === 'number')
      ) {
        return String(e.code);
      }
      return name ?? '_OTHER';
    }
  } catch {
    // A hostile error object (throwing getters, revoked proxy) still gets a type.
  }
  return '_OTHER';
}

function errorMessage(error: unknown): string {
  try {
    if (error instanceof Error) return String(error.message);
    if (typeof error === 'string') return error;
    if (typeof error === 'object' && error !== null && typeof (error as any).message === 'string') {
      return (error as any).message;
    }
    return String(error);
  } catch {
    return '[unreadable error]';
  }
}

/** Marks a span as failed: ERROR status, an exception event and `error.type`; never throws. */
export function recordSpanError(span: Span, error: unknown): void {
  try {
    // Error messages and stacks often echo what caused them (a 401 that repeats the API key): they go
    // through the same redaction as captured content.
    const redactor = state.capture.redactor;
    const message = redactString(errorMessage(error), redactor, 8192);
    span.setStatus({ code: SpanStatusCode.ERROR, message: message.slice(0, 1024) });
    span.setAttribute(ATTR.ERROR_TYPE, errorType(error));
    if (error instanceof Error) {
      let stack: string | undefined;
      try {
        stack = typeof error.stack === 'string' ? redactString(error.stack, redactor, 8192) : undefined;
      } catch {
        stack = undefined;
      }
      span.recordException({ name: errorType(error), message, stack });
    } else {
      span.recordException({ name: errorType(error), message });
    }
  } catch {
    // Recording must never replace the application's own error.
  }
}
