import { ATTR } from '@glassbox/core';
import { type Redactor, redactString } from '@glassbox/core/instrumentation';
import { type Span, SpanStatusCode } from '@opentelemetry/api';

/**
 * Marks a span failed. `error.type` is the HTTP status when the SDK error has one (`'429'`), else the
 * error's class; messages and stacks are redacted (by the span's installation's `redactor`), since
 * provider errors can echo keys or prompts.
 */
export function recordLlmError(span: Span, error: unknown, redactor: Redactor | undefined): void {
  try {
    const e = error as { status?: unknown; message?: unknown; stack?: unknown } | undefined;
    const className = errorClass(error);
    const status = typeof e?.status === 'number' && e.status > 0 ? String(e.status) : undefined;
    const clean = (text: string) => (redactor ? redactString(text, redactor) : text);
    const message = clean(typeof e?.message === 'string' ? e.message : String(error)).slice(0, 1024);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
    span.setAttribute(ATTR.ERROR_TYPE, status ?? className);
    const stack = typeof e?.stack === 'string' ? clean(e.stack.slice(0, 8192)) : undefined;
    span.recordException({ name: className, message, stack });
  } catch {
    // Recording must never replace the application's own error.
  }
}

function errorClass(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null) {
      const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof ctor === 'string' && ctor !== '' && ctor !== 'Object') return ctor;
      const name = (error as { name?: unknown }).name;
      if (typeof name === 'string' && name !== '') return name;
    }
  } catch {
    // A hostile error object still gets a type.
  }
  return '_OTHER';
}
