import type { Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { serialize } from '../capture/serialize.js';
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
    const result = serialize(value, { maxLength: capture.maxValueLength, redactor: capture.redactor });
    span.setAttribute(key, result.json);
    if (result.truncated) span.setAttribute(ATTR.TRUNCATED, true);
  } catch (error) {
    logger.once('warn', `could not capture ${key}: ${String(error)}`, `capture:${key}`);
  }
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
