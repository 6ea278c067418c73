/**
 * JSON text helpers of the serializer: quoting, measuring escaped text, and the fixed markers that stand
 * for what capture cut, replaced or refused to read. No state, no dependencies beyond the redactor type.
 */
import { REDACTED, type Redactor } from './redact.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export const CIRCULAR = '"[Circular]"';
export const DEPTH_LIMIT = '"[Depth limit]"';
export const REDACTED_TOKEN = `"${REDACTED}"`;
/** A Proxy: none of its traps is invoked, so nothing of it is read. */
export const PROXY = '[Proxy]';
export const PROXY_TOKEN = `"${PROXY}"`;
/** Accessor properties are written as one of these and never invoked. */
export const GETTER = '[Getter]';
export const SETTER = '[Setter]';
export const GETTER_SETTER = '[Getter/Setter]';

/** The marker of an accessor property with this getter and setter. */
export function accessorMarker(get: unknown, set: unknown): string {
  if (get === undefined) return SETTER;
  return set === undefined ? GETTER : GETTER_SETTER;
}

export function quote(text: string): string {
  // Most short strings need no escaping; JSON.stringify also escapes lone surrogates (well-formed JSON).
  return text.length < 256 && !NEEDS_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** A string value's JSON token: redacted, then quoted. */
export function redactedToken(redactor: Redactor | undefined, text: string): string {
  if (redactor === undefined) return quote(text);
  let redacted: string;
  try {
    redacted = redactor.redactText(text);
  } catch {
    redacted = REDACTED;
  }
  return quote(redacted);
}

/** Length of the escaped text that stands for the first `raw` source characters of `escaped`. */
export function escapedLength(escaped: string, raw: number): number {
  let position = 0;
  let count = 0;
  for (;;) {
    const backslash = escaped.indexOf('\\', position);
    const plainEnd = backslash === -1 ? escaped.length : backslash;
    if (count + (plainEnd - position) >= raw) return position + (raw - count);
    count += plainEnd - position;
    if (backslash === -1) return escaped.length;
    position = backslash + (escaped.charCodeAt(backslash + 1) === 0x75 ? 6 : 2);
    count++;
  }
}

/** How many source characters of an escaped JSON string body fit in `available` output characters. */
export function rawCharsFitting(body: string, available: number): number {
  let position = 0;
  let count = 0;
  for (;;) {
    const backslash = body.indexOf('\\', position);
    const plainEnd = backslash === -1 ? body.length : backslash;
    if (plainEnd >= available) return count + Math.max(0, available - position);
    count += plainEnd - position;
    position = plainEnd;
    if (backslash === -1) return count;
    // An escape stands for one source character: `\uXXXX` (lone surrogates, controls) or `\n`-style.
    const length = body.charCodeAt(backslash + 1) === 0x75 ? 6 : 2;
    if (position + length > available) return count;
    position += length;
    count++;
  }
}

export function stringMarker(dropped: number): string {
  return `…[+${dropped} chars]`;
}

export function objectMarker(dropped: number, comma: boolean): string {
  return `${comma ? ',' : ''}"…":"[+${dropped} more keys]"`;
}

/** A BigInt too long for the whole budget: its size, estimated without writing its decimal digits. */
export function bigIntMarker(digits: number, negative: boolean): string {
  return `[${negative ? 'negative ' : ''}BigInt ~${digits} digits]`;
}

/** The `replace` hook's path of a key below `path`: `$.a.b`, or `$["x-y"]` for keys that are not identifiers. */
export function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
