import type { Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { type SerializeResult, serializeCapture, serializeNamedCapture } from '../capture/serialize.js';
import type { Runtime } from './runtime.js';

/** Returned by an internal capture mapping to record nothing. */
export const SKIP_CAPTURE: unique symbol = Symbol('glassbox.skip-capture');

/**
 * Serializes a captured value under a runtime's capture rules (bounded, redacted) and sets it as a JSON
 * string attribute; marks `glassbox.truncated` when anything was cut. Never throws.
 */
export function setJsonAttribute(span: Span, key: string, value: unknown, runtime: Runtime): void {
  if (value === SKIP_CAPTURE) return;
  try {
    const capture = runtime.capture;
    setSerialized(span, key, serializeCapture(value, capture.maxValueLength, capture.redactor));
  } catch (error) {
    runtime.logger.once('warn', `could not capture ${key}: ${String(error)}`, `capture:${key}`);
  }
}

/** The JSON text `setJsonAttribute` would write for `value` (undefined when it writes nothing). */
export function capturedJson(value: unknown, runtime: Runtime): string | undefined {
  try {
    const capture = runtime.capture;
    const out = serializeCapture(value, capture.maxValueLength, capture.redactor);
    return typeof out === 'string' ? out : out.json;
  } catch {
    return undefined;
  }
}

/**
 * Sets a call's inputs as `setJsonAttribute(span, ATTR.INPUTS, { [names[i]]: args[i] })` would (i < count),
 * without building that object. `names` must be distinct, and none `__proto__` or `toJSON`.
 */
export function setNamedInputs(
  span: Span,
  names: readonly string[],
  args: ArrayLike<unknown>,
  count: number,
  runtime: Runtime,
): void {
  try {
    const capture = runtime.capture;
    const out = serializeNamedCapture(names, args, count, capture.maxValueLength, capture.redactor);
    setSerialized(span, ATTR.INPUTS, out);
  } catch (error) {
    runtime.logger.once(
      'warn',
      `could not capture ${ATTR.INPUTS}: ${String(error)}`,
      `capture:${ATTR.INPUTS}`,
    );
  }
}

function setSerialized(span: Span, key: string, out: string | SerializeResult): void {
  if (typeof out === 'string') {
    span.setAttribute(key, out);
    return;
  }
  span.setAttribute(key, out.json);
  if (out.truncated) span.setAttribute(ATTR.TRUNCATED, true);
}

/** Applies a user's capture mapping function; a mapping that throws is reported and captures nothing. */
export function applyMapping(
  mapping: Function,
  thisArg: unknown,
  args: readonly unknown[],
  runtime: Runtime,
): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: mapping.apply(thisArg, args) };
  } catch (error) {
    runtime.logger.once(
      'warn',
      `a captureInputs/captureOutputs function threw: ${String(error)}`,
      'capture:mapping',
    );
    return { ok: false };
  }
}
