import type { Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { type SerializeResult, serializeCapture, serializeNamedCapture } from '../capture/serialize.js';
import { logger } from './logger.js';
import { state } from './state.js';

/** Returned by an internal capture mapping to record nothing. */
export const SKIP_CAPTURE: unique symbol = Symbol('glassbox.skip-capture');

/**
 * Serializes a captured value under the capture rules in force (bounded, redacted) and sets it as a JSON
 * string attribute; marks `glassbox.truncated` when anything was cut. Never throws.
 */
export function setJsonAttribute(span: Span, key: string, value: unknown): void {
  if (value === SKIP_CAPTURE) return;
  try {
    const capture = state.capture;
    setSerialized(span, key, serializeCapture(value, capture.maxValueLength, capture.redactor));
  } catch (error) {
    logger.once('warn', `could not capture ${key}: ${String(error)}`, `capture:${key}`);
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
): void {
  try {
    const capture = state.capture;
    const out = serializeNamedCapture(names, args, count, capture.maxValueLength, capture.redactor);
    setSerialized(span, ATTR.INPUTS, out);
  } catch (error) {
    logger.once('warn', `could not capture ${ATTR.INPUTS}: ${String(error)}`, `capture:${ATTR.INPUTS}`);
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
): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: mapping.apply(thisArg, args) };
  } catch (error) {
    logger.once('warn', `a captureInputs/captureOutputs function threw: ${String(error)}`, 'capture:mapping');
    return { ok: false };
  }
}
