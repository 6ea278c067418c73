import type { Attributes, AttributeValue, Link } from '@opentelemetry/api';
import { REDACTED, type Redactor, redactString, safeCut } from '../capture/redact.js';
import type { Runtime } from './runtime.js';

/**
 * Every string that leaves through a path other than captured content (span and event names, hand-set
 * attributes, event and link attributes, trace metadata, status messages, feedback) goes through here:
 * redacted like captured content, and bounded, so no path exports a secret or an unbounded payload.
 */

/** Span names, event names and attribute keys are cut to this many characters. */
export const MAX_NAME_LENGTH = 256;
/** Status messages are cut to this many characters (OpenTelemetry backends show them as one line). */
export const MAX_STATUS_LENGTH = 1024;
/** Non-string array items count this many characters against an array's budget. */
const ITEM_COST = 8;

/** A span or event name as it may leave: redacted, at most MAX_NAME_LENGTH characters. */
export function safeName(name: string, runtime: Runtime): string {
  return redactString(
    typeof name === 'string' ? name : String(name),
    runtime.capture.redactor,
    MAX_NAME_LENGTH,
  );
}

/** A string value as it may leave: redacted, then cut to `max` characters on a code point boundary. */
export function safeText(text: string, runtime: Runtime, max = runtime.capture.maxValueLength): string {
  return redactString(text, runtime.capture.redactor, max);
}

/** Cuts a string to `max` characters without splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, safeCut(text, max, false));
}

/** Whether the value stored under `key` must be replaced whole. */
export function isSecretKey(key: string, redactor: Redactor | undefined): boolean {
  if (redactor === undefined) return false;
  try {
    return redactor.isSecretKey(key);
  } catch {
    // A broken custom rule must not leak the value it failed to check.
    return true;
  }
}

/**
 * An attribute value as it may leave: REDACTED under a secret key; strings redacted and bounded;
 * arrays bounded as a whole (`maxValueLength` characters, strings counted by length) with string items
 * redacted; numbers and booleans as they are; anything else undefined (not an attribute value).
 */
export function safeAttributeValue(
  key: string,
  value: unknown,
  runtime: Runtime,
): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (isSecretKey(key, runtime.capture.redactor)) return REDACTED;
  switch (typeof value) {
    case 'string':
      return safeText(value, runtime);
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return safeText(value.toString(), runtime);
    default:
      return Array.isArray(value) ? safeArray(value, runtime) : undefined;
  }
}

function safeArray(items: readonly unknown[], runtime: Runtime): AttributeValue | undefined {
  let kind: string | undefined;
  let budget = runtime.capture.maxValueLength;
  const out: unknown[] = [];
  for (let i = 0; i < items.length && budget > 0; i++) {
    const item = items[i];
    if (item === null || item === undefined) {
      out.push(item);
      budget -= ITEM_COST;
      continue;
    }
    const type = typeof item;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') return undefined;
    if (kind === undefined) kind = type;
    else if (kind !== type) return undefined;
    if (type === 'string') {
      const text = safeText(item as string, runtime, budget);
      out.push(text);
      budget -= Math.max(text.length, 1);
    } else {
      out.push(item);
      budget -= ITEM_COST;
    }
  }
  return out as AttributeValue;
}

/** An attributes object as it may leave, key by key; returns the same object when nothing changed. */
export function safeAttributes(attributes: Attributes, runtime: Runtime): Attributes {
  let out: Attributes | undefined;
  const keys = Object.keys(attributes);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = attributes[key];
    const safeKey = key.length > MAX_NAME_LENGTH ? cutText(key, MAX_NAME_LENGTH) : key;
    const next = safeAttributeValue(safeKey, value, runtime);
    const unchanged = safeKey === key && (next === value || (Array.isArray(value) && sameArray(value, next)));
    if (unchanged) {
      if (out !== undefined) out[key] = value;
      continue;
    }
    if (out === undefined) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = attributes[keys[j]!];
    }
    if (next !== undefined) out[safeKey] = next;
  }
  if (out === undefined) return attributes;
  return out;
}

function sameArray(a: readonly unknown[], b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Links with their attributes made safe; the same array when nothing changed. */
export function safeLinks(links: Link[] | undefined, runtime: Runtime): Link[] | undefined {
  if (links === undefined || !Array.isArray(links)) return links;
  let out: Link[] | undefined;
  for (let i = 0; i < links.length; i++) {
    const link = links[i]!;
    const attributes = link?.attributes ? safeAttributes(link.attributes, runtime) : undefined;
    if (attributes === link?.attributes) continue;
    out ??= links.slice();
    out[i] = { ...link, attributes };
  }
  return out ?? links;
}
