/**
 * The one serializer for every captured value (inputs, outputs, messages, documents, tool arguments).
 *
 * Output is always valid JSON of at most `maxLength` UTF-16 code units, and the work done is bounded by
 * `maxLength` rather than by the input: strings are sliced before they are escaped, arrays are walked by
 * index only as far as the budget goes, binary data is summarised, huge BigInts are measured instead of
 * converted, nesting stops at MAX_DEPTH. The one exception is listing the keys of an object (no engine
 * can do that lazily), which happens once per capture.
 *
 * Capture reads own data properties only: accessors are written as `"[Getter]"`, `"[Setter]"` or
 * `"[Getter/Setter]"` and never invoked, proxies as `"[Proxy]"` (no trap runs), and `toJSON` is honoured
 * when it is a data property (a getter named toJSON is not called).
 *
 * This module is the entry: small plain data goes to the fast writer (serialize-fast.ts), anything else,
 * or anything it gives up on, to the Serializer (serialize-values.ts on serialize-writer.ts), whose
 * bounded pass may be followed by an exact one.
 */
import type { Redactor } from './redact.js';
import { fastEntries, fastJson, releaseFastState, takeFastState, takeListedKeys } from './serialize-fast.js';
import { type KeyEntry, keyCacheFor } from './serialize-keys.js';
import { effectiveMaxLength } from './serialize-limits.js';
import { Serializer } from './serialize-values.js';

export { DEFAULT_MAX_LENGTH, MAX_DEPTH, MIN_MAX_LENGTH } from './serialize-limits.js';

/** How `serialize` bounds and redacts a value. */
export interface SerializeOptions {
  /** Maximum length of the JSON text in UTF-16 code units; values below MIN_MAX_LENGTH are raised to it. */
  maxLength: number;
  /** Redaction rules applied while writing; `undefined` captures values as they are. */
  redactor?: Redactor;
}

/** The JSON text of a captured value and whether anything was cut to fit. */
export interface SerializeResult {
  json: string;
  truncated: boolean;
}

const UNSERIALIZABLE: SerializeResult = Object.freeze({ json: '"[Unserializable]"', truncated: true });

/** Serializes any value to bounded, redacted, always-valid JSON; never throws. */
export function serialize(value: unknown, options: SerializeOptions): SerializeResult {
  let out: string | SerializeResult;
  try {
    out = serializeCapture(value, options?.maxLength, options?.redactor);
  } catch {
    // Options with a throwing getter: nothing was captured.
    return UNSERIALIZABLE;
  }
  return typeof out === 'string' ? { json: out, truncated: false } : out;
}

/**
 * `serialize` for the capture hot path: the same JSON, returned as a bare string when nothing was cut
 * (most values: no options or result object per call), else as the result.
 */
export function serializeCapture(
  value: unknown,
  maxLength: number | undefined,
  redactor: Redactor | undefined,
): string | SerializeResult {
  try {
    const max = effectiveMaxLength(maxLength);
    const keys = keyCacheFor(redactor);
    const fast = fastJson(value, max, redactor, keys);
    if (fast !== undefined) return fast;
    return serializeExactly(value, max, redactor, keys, takeListedKeys());
  } catch {
    // Only a defect or a stack overflow in user code gets here; the capture must not break the call.
  }
  return UNSERIALIZABLE;
}

/**
 * The JSON of a call's arguments under their parameter names, exactly as `serializeCapture` writes the
 * object `{ [names[i]]: args[i] }` (i < count), without building that object: the common case of
 * captured inputs. `names` must be distinct, and none `__proto__` or `toJSON` (which would change what
 * that object is).
 */
export function serializeNamedCapture(
  names: readonly string[],
  args: ArrayLike<unknown>,
  count: number,
  maxLength: number | undefined,
  redactor: Redactor | undefined,
): string | SerializeResult {
  try {
    const max = effectiveMaxLength(maxLength);
    const keys = keyCacheFor(redactor);
    if (redactor?.replace === undefined) {
      const state = takeFastState(max, redactor, keys);
      try {
        // The object itself is a node, as in fastJson.
        state.nodes = 1;
        if (fastEntries(state, names, args, true, count, 0) && state.out.length <= max) return state.out;
      } catch {
        // A descriptor that cannot be read: the Serializer records it.
      } finally {
        releaseFastState(state);
      }
    }
    const named: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) named[names[i]!] = args[i];
    return serializeExactly(named, max, redactor, keys, takeListedKeys());
  } catch {
    // As in serializeCapture.
  }
  return UNSERIALIZABLE;
}

/** The Serializer's bounded pass, then its exact pass when the bounded one cut a value that may fit. */
function serializeExactly(
  value: unknown,
  maxLength: number,
  redactor: Redactor | undefined,
  keys: Map<string, KeyEntry>,
  listed: Map<object, string[]> | undefined,
): SerializeResult {
  const bounded = new Serializer(maxLength, redactor, keys, false, listed);
  // MIN_MAX_LENGTH leaves room for every shortest form, so the bounded pass always writes the root.
  if (bounded.writeRoot(value) && bounded.out.length <= maxLength) {
    if (!bounded.cut) return { json: bounded.out, truncated: bounded.truncated };
    if (bounded.mayFit) {
      const exact = new Serializer(maxLength, redactor, keys, true, bounded.largeKeyLists);
      if (exact.writeRoot(value) && exact.out.length <= maxLength) {
        return { json: exact.out, truncated: exact.truncated };
      }
    }
    return { json: bounded.out, truncated: true };
  }
  return UNSERIALIZABLE;
}
