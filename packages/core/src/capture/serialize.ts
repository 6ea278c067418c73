/**
 * The one serializer for every captured value (inputs, outputs, messages, documents, tool arguments).
 *
 * Output is always valid JSON of at most `maxLength` UTF-16 code units, and the work done is bounded by
 * `maxLength` rather than by the input: strings are sliced before they are escaped, arrays are walked by
 * index only as far as the budget goes, binary data is summarised, nesting stops at MAX_DEPTH.
 *
 * The writer keeps room in every open container for its closing bracket and its `"[+N more items]"`
 * marker. That reserve could cut a value whose JSON fits only just, so when something was cut and nothing
 * proved that the full JSON is too long, an exact pass (no reserve, gives up instead of cutting) runs
 * too: a value whose JSON fits is never cut, and any value costs at most two budgets of work.
 */
import { Buffer } from 'node:buffer';
import { types } from 'node:util';
import { REDACT_LOOKAHEAD, REDACTED, type Redactor, safeCut } from './redact.js';

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

/** The default `maxLength` (the `maxValueLength` option of `init`). */
export const DEFAULT_MAX_LENGTH = 16_384;
/** The smallest usable `maxLength`: room for the shortest cut array, object or string. */
export const MIN_MAX_LENGTH = 64;
/** Containers nested deeper than this are written as `"[Depth limit]"`. */
export const MAX_DEPTH = 32;

/** Upper bound so that a huge `maxLength` cannot ask for a string V8 cannot build. */
const MAX_MAX_LENGTH = 1 << 28;
/** Error stacks are cut to this many characters (OpenTelemetry exception events keep the full one). */
const MAX_STACK_LENGTH = 4096;
/** Messages of errors thrown by getters, proxies and `toJSON` are cut to this many characters. */
const MAX_THROWS_LENGTH = 200;
/** Longest count a marker can show: array lengths are below 2^32. */
const MAX_COUNT = 9_999_999_999;
/** Room every open container keeps in the bounded pass for its cut marker (the object one is the longest). */
const MARKER_RESERVE = objectMarker(MAX_COUNT, true).length;

const UNSERIALIZABLE: SerializeResult = Object.freeze({ json: '"[Unserializable]"', truncated: true });
const CIRCULAR = '"[Circular]"';
const DEPTH_LIMIT = '"[Depth limit]"';
const REDACTED_TOKEN = `"${REDACTED}"`;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what JSON escapes.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

// Intrinsics captured once: immune to later monkey-patching and cheaper than looking them up per call.
const objectToString = Object.prototype.toString;
const hasOwn = Object.prototype.hasOwnProperty;
const typedArrayPrototype: object = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayLength = getter<number>(typedArrayPrototype, 'length');
const typedArrayName = getter<string>(typedArrayPrototype, Symbol.toStringTag);
const arrayBufferByteLength = getter<number>(ArrayBuffer.prototype, 'byteLength');
const sharedArrayBufferByteLength = getter<number>(SharedArrayBuffer.prototype, 'byteLength');
const dataViewByteLength = getter<number>(DataView.prototype, 'byteLength');
const mapSize = getter<number>(Map.prototype, 'size');
const setSize = getter<number>(Set.prototype, 'size');
const mapEntries = Map.prototype.entries;
const setValues = Set.prototype.values;
const dateGetTime = Date.prototype.getTime;
const dateToISOString = Date.prototype.toISOString;
const regExpToString = RegExp.prototype.toString;

/** A key's JSON text (`"key":`) and whether its value is a secret, computed once per key and redactor. */
interface KeyEntry {
  readonly fragment: string;
  readonly commaFragment: string;
  readonly secret: boolean;
}

const KEY_CACHE_SIZE = 2048;
/** Objects with more keys than this have their key list reused by the second pass. */
const LARGE_KEY_COUNT = 1024;
const CACHEABLE_KEY_LENGTH = 128;
const plainKeys = new Map<string, KeyEntry>();
const redactorKeys = new WeakMap<Redactor, Map<string, KeyEntry>>();

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
    return serializeExactly(value, max, redactor, keys);
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
        // The object itself is a node, as in fastValue.
        state.nodes = 1;
        if (fastEntries(state, names, args, true, count, 0) && state.out.length <= max) return state.out;
      } catch {
        // A getter that throws: the Serializer records it as `[Throws: ...]`.
      } finally {
        releaseFastState(state);
      }
    }
    const named: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) named[names[i]!] = args[i];
    return serializeExactly(named, max, redactor, keys);
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
): SerializeResult {
  const bounded = new Serializer(maxLength, redactor, keys, false);
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

/** Most captured values are a few keys of plain data: they get a one-pass writer without cut bookkeeping. */
const FAST_MAX_NODES = 64;
const FAST_MAX_DEPTH = 8;

interface FastState {
  out: string;
  nodes: number;
  max: number;
  redactor: Redactor | undefined;
  keys: Map<string, KeyEntry>;
}

/** One FastState reused by every call (a getter that serializes while we write gets a fresh one). */
let spareFastState: FastState | undefined;

function takeFastState(max: number, redactor: Redactor | undefined, keys: Map<string, KeyEntry>): FastState {
  const state = spareFastState ?? { out: '', nodes: 0, max, redactor, keys };
  spareFastState = undefined;
  state.out = '';
  state.nodes = 0;
  state.max = max;
  state.redactor = redactor;
  state.keys = keys;
  return state;
}

function releaseFastState(state: FastState): void {
  state.out = '';
  state.redactor = undefined;
  spareFastState = state;
}

/**
 * Writes small plain data (plain objects without toJSON, arrays, strings, finite numbers, booleans, null,
 * undefined) exactly as the exact pass would, or returns undefined as soon as the value is anything
 * else, too big or too deep; the Serializer then starts over.
 */
function fastJson(
  value: unknown,
  maxLength: number,
  redactor: Redactor | undefined,
  keys: Map<string, KeyEntry>,
): string | undefined {
  if (redactor?.replace !== undefined) return undefined;
  const state = takeFastState(maxLength, redactor, keys);
  try {
    if (!fastValue(state, value, 0) || state.out.length > maxLength) return undefined;
    return state.out;
  } catch {
    // A getter or an index that throws: the Serializer records it as `[Throws: ...]`.
    return undefined;
  } finally {
    releaseFastState(state);
  }
}

function fastValue(state: FastState, value: unknown, depth: number): boolean {
  if (++state.nodes > FAST_MAX_NODES || state.out.length > state.max) return false;
  switch (typeof value) {
    case 'string':
      if (value.length > state.max) return false;
      state.out += redactedToken(state.redactor, value);
      return true;
    case 'number':
      state.out += Number.isFinite(value) ? String(value) : 'null';
      return true;
    case 'boolean':
      state.out += value ? 'true' : 'false';
      return true;
    case 'undefined':
      state.out += 'null';
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) {
    state.out += 'null';
    return true;
  }
  if (depth >= FAST_MAX_DEPTH || types.isProxy(value)) return false;
  if (Array.isArray(value)) {
    const length = value.length;
    if (length > FAST_MAX_NODES) return false;
    state.out += '[';
    for (let i = 0; i < length; i++) {
      if (i > 0) state.out += ',';
      if (!fastValue(state, value[i], depth + 1)) return false;
    }
    state.out += ']';
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || hasOwn.call(value, 'toJSON')) return false;
  const own = Object.keys(value);
  if (own.length > FAST_MAX_NODES) return false;
  return fastEntries(state, own, value, false, own.length, depth);
}

/**
 * Writes `{"key":value,...}` for `keys[0..count)`; a value is `source[key]`, or `source[i]` when
 * `byIndex` (the arguments of a call, written under their parameter names).
 */
function fastEntries(
  state: FastState,
  keys: readonly string[],
  source: object,
  byIndex: boolean,
  count: number,
  depth: number,
): boolean {
  state.out += '{';
  let written = 0;
  for (let i = 0; i < count; i++) {
    const key = keys[i]!;
    const entry = fastKeyEntry(state, key);
    if (entry === undefined) return false;
    if (entry.secret) {
      state.out += (written === 0 ? entry.fragment : entry.commaFragment) + REDACTED_TOKEN;
      written++;
      continue;
    }
    const item = byIndex ? (source as ArrayLike<unknown>)[i] : (source as Record<string, unknown>)[key];
    if (item === undefined) continue;
    state.out += written === 0 ? entry.fragment : entry.commaFragment;
    if (!fastValue(state, item, depth + 1)) return false;
    written++;
  }
  state.out += '}';
  return true;
}

/** The Serializer's key entry (same cache) for keys short enough to be cached; undefined otherwise. */
function fastKeyEntry(state: FastState, key: string): KeyEntry | undefined {
  const cached = state.keys.get(key);
  if (cached !== undefined) return cached;
  if (key.length > CACHEABLE_KEY_LENGTH) return undefined;
  const redactor = state.redactor;
  let name = key;
  let secret = false;
  if (redactor !== undefined) {
    try {
      name = redactor.redactText(key);
      secret = redactor.isSecretKey(key);
    } catch {
      return undefined;
    }
  }
  const fragment = `${quote(name)}:`;
  const entry: KeyEntry = { fragment, commaFragment: `,${fragment}`, secret };
  if (state.keys.size >= KEY_CACHE_SIZE) state.keys.clear();
  state.keys.set(key, entry);
  return entry;
}

class Serializer {
  out = '';
  /** Something was cut or replaced to fit a limit (budget, depth or stack length). */
  truncated = false;
  /** The budget forced a cut (the exact pass would give up where this pass cut). */
  cut = false;
  /** No cut so far proves that the full JSON is longer than maxLength. */
  mayFit = true;
  /**
   * Characters of cut markers written so far: a marker can be longer than what it replaces, so the exact
   * output at any point is at least `out.length - markerChars` long.
   */
  private markerChars = 0;
  private steps = 0;
  private depth = 0;
  /** The containers being written, for cycle detection; shared references elsewhere are written again. */
  private readonly ancestors: object[] = [];
  private readonly replace: ((path: string, value: unknown) => unknown) | undefined;
  /** Room kept in each open container for its cut marker: none in the exact pass, which gives up instead. */
  private readonly reserve: number;

  constructor(
    private readonly maxLength: number,
    private readonly redactor: Redactor | undefined,
    private readonly keys: Map<string, KeyEntry>,
    /** The exact pass: write everything or give up (return false) as soon as something would be cut. */
    private readonly exact: boolean,
    /** Key lists of huge objects, enumerated by the first pass and reused by the second. */
    public largeKeyLists?: Map<object, string[]>,
  ) {
    this.replace = redactor?.replace;
    this.reserve = exact ? 0 : MARKER_RESERVE;
  }

  writeRoot(value: unknown): boolean {
    return this.writeValue(value, '', this.maxLength, '', '$');
  }

  /**
   * Each `write*` appends `prefix` plus one JSON value and keeps `out.length <= limit`; it returns false,
   * having written nothing, when even the shortest form does not fit (the exact pass then gives up).
   */
  private writeValue(
    value: unknown,
    prefix: string,
    limit: number,
    key: string | number,
    path: string,
  ): boolean {
    if (this.replace !== undefined) value = this.applyReplace(path, value);
    return this.writeAny(value, prefix, limit, key, path, true);
  }

  private writeAny(
    value: unknown,
    prefix: string,
    limit: number,
    key: string | number,
    path: string,
    useToJSON: boolean,
  ): boolean {
    switch (typeof value) {
      case 'string':
        return this.writeString(value, prefix, limit);
      case 'number':
        // Like JSON: NaN and ±Infinity become null, -0 becomes 0.
        return this.writeRaw(Number.isFinite(value) ? String(value) : 'null', prefix, limit);
      case 'boolean':
        return this.writeRaw(value ? 'true' : 'false', prefix, limit);
      case 'undefined':
        return this.writeRaw('null', prefix, limit);
      case 'bigint':
        // As a string: a BigInt can have more digits than the whole budget, and then it is cut like one.
        return this.writeString(`${value}n`, prefix, limit);
      case 'symbol':
        return this.writeString(`[${String(value)}]`, prefix, limit);
      case 'function':
        return this.writeString(`[Function ${functionName(value)}]`, prefix, limit);
      default:
        if (value === null) return this.writeRaw('null', prefix, limit);
        return this.writeObject(value as object, prefix, limit, key, path, useToJSON);
    }
  }

  private writeRaw(token: string, prefix: string, limit: number): boolean {
    if (this.out.length + prefix.length + token.length > limit) {
      this.missed(this.out.length + prefix.length + token.length);
      return false;
    }
    this.out += prefix + token;
    return true;
  }

  private writeString(text: string, prefix: string, limit: number): boolean {
    const room = limit - this.out.length - prefix.length;
    if (text.length + 2 <= room) {
      const token = redactedToken(this.redactor, text);
      if (token.length <= room) {
        this.out += prefix + token;
        return true;
      }
    }
    if (this.exact) return false;
    // The exact pass needs at least the raw length here (escaping only adds).
    this.missed(this.out.length + prefix.length + text.length + 2);
    const token = this.cutString(text, room);
    if (token === undefined) return false;
    this.truncated = true;
    this.out += prefix + token;
    return true;
  }

  /**
   * The longest `"prefix…[+N chars]"` token that fits in `room`. Only a window of the string is redacted
   * and escaped: the kept prefix plus REDACT_LOOKAHEAD characters, so a secret that straddles the cut is
   * matched whole and no part of it survives.
   */
  private cutString(text: string, room: number): string | undefined {
    const markerMax = stringMarker(text.length).length;
    let keep = room - 2 - markerMax;
    if (keep < 0) return undefined;
    const windowEnd = Math.min(text.length, keep + REDACT_LOOKAHEAD);
    const window = windowEnd === text.length ? text : text.slice(0, windowEnd);
    const redacted = this.redact(window);
    const beyond = text.length - windowEnd;
    if (beyond === 0) {
      const whole = quote(redacted);
      if (whole.length <= room) return whole;
    }
    keep = safeCut(redacted, Math.min(keep, redacted.length), redacted !== window);
    // Escape the kept prefix once, then cut the escaped text between escape sequences: the escape of a
    // prefix is a prefix of the escape (safeCut never splits a surrogate pair). Quoting ~maxLength
    // characters twice (escapes make the first try too long) was the largest cost of a long string.
    const escaped = quote(redacted.slice(0, keep)).slice(1, -1);
    for (let attempt = 0; attempt < 4; attempt++) {
      keep = safeCut(redacted, keep, redacted !== window);
      const marker = stringMarker(Math.min(text.length, beyond + redacted.length - keep));
      const end = escapedLength(escaped, keep);
      const available = room - 2 - marker.length;
      if (end <= available) {
        this.markerChars += marker.length;
        return `"${escaped.slice(0, end)}${marker}"`;
      }
      keep = rawCharsFitting(escaped, available);
    }
    const marker = stringMarker(text.length);
    this.markerChars += marker.length;
    return `"${marker}"`;
  }

  private writeObject(
    value: object,
    prefix: string,
    limit: number,
    key: string | number,
    path: string,
    useToJSON: boolean,
  ): boolean {
    if (this.ancestors.includes(value)) return this.writeRaw(CIRCULAR, prefix, limit);
    const mark = this.out.length;
    const depth = this.depth;
    try {
      return this.writeObjectUnguarded(value, prefix, limit, key, path, useToJSON);
    } catch (error) {
      // A trap, getter or toJSON threw where no finer guard applies: drop this value's partial output.
      if (this.out.length > mark) this.out = this.out.slice(0, mark);
      this.ancestors.length = depth;
      this.depth = depth;
      return this.writeString(this.throwsText(error), prefix, limit);
    }
  }

  private writeObjectUnguarded(
    value: object,
    prefix: string,
    limit: number,
    key: string | number,
    path: string,
    useToJSON: boolean,
  ): boolean {
    if (Array.isArray(value)) {
      const length = value.length;
      return this.writeItems(value, value, length, length, prefix, limit, path);
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const written = this.writeBuiltin(value, prefix, limit, path);
      if (written !== undefined) return written;
    }
    if (useToJSON) {
      const toJSON: unknown = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        // Like JSON.stringify: toJSON is called once, its result is not asked for toJSON again.
        const result: unknown = toJSON.call(value, String(key));
        return this.writeAny(result, prefix, limit, key, path, false);
      }
    }
    const keys = this.ownKeys(value);
    return this.writeEntries(value, value, keys, undefined, keys.length, prefix, limit, path);
  }

  /**
   * Object.keys, shared between the passes for huge objects: V8 has no lazy way to list the keys of a
   * dictionary-mode object (for...in collects them all up front too), so this O(n) step is the one cost
   * not bounded by maxLength; it must at least happen once.
   */
  private ownKeys(value: object): string[] {
    const known = this.largeKeyLists?.get(value);
    if (known !== undefined) return known;
    const keys = Object.keys(value);
    if (keys.length > LARGE_KEY_COUNT) {
      this.largeKeyLists ??= new Map();
      this.largeKeyLists.set(value, keys);
    }
    return keys;
  }

  /** Writes built-in types that JSON would get wrong or dump; undefined for ordinary class instances. */
  private writeBuiltin(value: object, prefix: string, limit: number, path: string): boolean | undefined {
    if (ArrayBuffer.isView(value)) return this.writeRaw(`"${binarySummary(value)}"`, prefix, limit);
    // The tag narrows the candidates cheaply; `types` confirms, so a spoofed Symbol.toStringTag cannot fool us.
    const tag = objectToString.call(value);
    switch (tag) {
      case '[object Error]':
        if (types.isNativeError(value)) return this.writeError(value as Error, prefix, limit, path);
        break;
      case '[object Date]':
        if (types.isDate(value)) return this.writeRaw(`"${dateText(value)}"`, prefix, limit);
        break;
      case '[object Map]':
        if (types.isMap(value)) return this.writeMap(value, prefix, limit, path);
        break;
      case '[object Set]':
        if (types.isSet(value)) return this.writeSet(value, prefix, limit, path);
        break;
      case '[object ArrayBuffer]':
      case '[object SharedArrayBuffer]':
        if (types.isAnyArrayBuffer(value))
          return this.writeRaw(`"${arrayBufferSummary(value)}"`, prefix, limit);
        break;
      case '[object Promise]':
      case '[object WeakMap]':
      case '[object WeakSet]':
      case '[object WeakRef]':
      case '[object Generator]':
      case '[object AsyncGenerator]':
        // Their content is not reachable synchronously (or not at all): name the type only.
        return this.writeRaw(`"[${tag.slice(8, -1)}]"`, prefix, limit);
      case '[object RegExp]':
        if (types.isRegExp(value)) return this.writeString(regExpToString.call(value), prefix, limit);
        break;
      case '[object String]':
      case '[object Number]':
      case '[object Boolean]':
      case '[object BigInt]':
      case '[object Symbol]':
        if (types.isBoxedPrimitive(value)) return this.writeAny(unbox(value), prefix, limit, '', path, false);
        break;
    }
    if (value instanceof Error || types.isNativeError(value))
      return this.writeError(value as Error, prefix, limit, path);
    return undefined;
  }

  /** Errors as `{name, message, ...own enumerable props, cause, errors, stack}`: stack last, so it is cut first. */
  private writeError(error: Error, prefix: string, limit: number, path: string): boolean {
    const keys = ['name', 'message'];
    const values = [this.read(error, 'name'), this.read(error, 'message')];
    const own = Object.keys(error);
    const cap = this.itemCap(own.length, limit);
    for (let i = 0; i < cap; i++) {
      const key = own[i]!;
      if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause' || key === 'errors')
        continue;
      keys.push(key);
      values.push(this.read(error, key));
    }
    for (const key of ['cause', 'errors']) {
      if (hasOwn.call(error, key)) {
        keys.push(key);
        values.push(this.read(error, key));
      }
    }
    const stack = this.read(error, 'stack');
    if (typeof stack === 'string') {
      keys.push('stack');
      values.push(this.boundedText(stack, MAX_STACK_LENGTH));
      if (stack.length > MAX_STACK_LENGTH) this.truncated = true;
    }
    const total = keys.length + own.length - cap;
    return this.writeEntries(error, undefined, keys, values, total, prefix, limit, path);
  }

  /** Maps as objects when all keys are strings (key rules apply), else as `[key, value]` pairs. */
  private writeMap(map: Map<unknown, unknown>, prefix: string, limit: number, path: string): boolean {
    const size = mapSize.call(map);
    const cap = this.itemCap(size, limit);
    const keys: unknown[] = [];
    const values: unknown[] = [];
    let stringKeys = true;
    const entries = mapEntries.call(map) as IterableIterator<[unknown, unknown]>;
    for (let i = 0; i < cap; i++) {
      const step = entries.next();
      if (step.done) break;
      keys.push(step.value[0]);
      values.push(step.value[1]);
      if (typeof step.value[0] !== 'string') stringKeys = false;
    }
    if (stringKeys) {
      return this.writeEntries(map, undefined, keys as string[], values, size, prefix, limit, path);
    }
    const pairs = keys.map((key, i) => [
      key,
      typeof key === 'string' && this.isSecret(key) ? REDACTED : values[i],
    ]);
    return this.writeItems(map, pairs, pairs.length, size, prefix, limit, path);
  }

  private writeSet(set: Set<unknown>, prefix: string, limit: number, path: string): boolean {
    const size = setSize.call(set);
    const cap = this.itemCap(size, limit);
    const items: unknown[] = [];
    const iterator = setValues.call(set);
    for (let i = 0; i < cap; i++) {
      const step = iterator.next();
      if (step.done) break;
      items.push(step.value);
    }
    return this.writeItems(set, items, items.length, size, prefix, limit, path);
  }

  /** Writes `items[0..count)` as a JSON array standing for `total` items, cut with `"[+N more items]"`. */
  private writeItems(
    container: object,
    items: ArrayLike<unknown>,
    count: number,
    total: number,
    prefix: string,
    limit: number,
    path: string,
  ): boolean {
    if (total === 0) return this.writeRaw('[]', prefix, limit);
    if (this.depth >= MAX_DEPTH) return this.writeDepthLimit(prefix, limit);
    if (!this.canOpen(prefix, limit)) return false;
    this.enter(container);
    this.out += `${prefix}[`;
    const close = limit - 1;
    let i = 0;
    for (; i < total; i++) {
      if (i >= count || this.outOfSteps()) break;
      // The last item may use the marker's room: nothing after it can be cut.
      const itemLimit = i === total - 1 ? close : close - this.reserve;
      let item: unknown;
      try {
        item = items[i];
      } catch (error) {
        item = this.throwsText(error);
      }
      const itemPath = this.replace === undefined ? '' : `${path}[${i}]`;
      if (!this.writeValue(item, i === 0 ? '' : ',', itemLimit, i, itemPath)) break;
    }
    if (i < total) {
      if (this.exact) return false;
      // Each dropped item would take at least one character and a comma.
      this.missed(this.out.length + 2 * (total - i));
      this.truncated = true;
      const marker = `${i === 0 ? '' : ','}"[+${total - i} more items]"`;
      this.markerChars += marker.length;
      this.out += marker;
    }
    this.out += ']';
    this.leave();
    return true;
  }

  /**
   * Writes an object from `keys` (values read from `source`, or taken from `values`) standing for `total`
   * keys, cut with `"…": "[+N more keys]"`; undefined values are omitted, like JSON.
   */
  private writeEntries(
    container: object,
    source: object | undefined,
    keys: readonly string[],
    values: readonly unknown[] | undefined,
    total: number,
    prefix: string,
    limit: number,
    path: string,
  ): boolean {
    if (total === 0) return this.writeRaw('{}', prefix, limit);
    if (this.depth >= MAX_DEPTH) return this.writeDepthLimit(prefix, limit);
    if (!this.canOpen(prefix, limit)) return false;
    this.enter(container);
    this.out += `${prefix}{`;
    const close = limit - 1;
    let written = 0;
    let i = 0;
    for (; i < keys.length; i++) {
      if (this.outOfSteps()) break;
      const key = keys[i]!;
      const entry = this.keyEntry(key);
      const fragment = written === 0 ? entry.fragment : entry.commaFragment;
      const itemLimit = i === total - 1 ? close : close - this.reserve;
      let fits: boolean;
      if (entry.secret) {
        // The value is not even read: a secret getter is never invoked.
        fits = this.writeRaw(REDACTED_TOKEN, fragment, itemLimit);
      } else {
        let value = values !== undefined ? values[i] : this.read(source!, key);
        const valuePath = this.replace === undefined ? '' : childPath(path, key);
        if (this.replace !== undefined) value = this.applyReplace(valuePath, value);
        if (value === undefined) continue;
        fits = this.writeAny(value, fragment, itemLimit, key, valuePath, true);
      }
      if (!fits) break;
      written++;
    }
    if (i < total) {
      if (this.exact) return false;
      // Dropped keys may all hold undefined (omitted), so they prove nothing about the full length.
      this.missed(0);
      this.truncated = true;
      const marker = objectMarker(total - i, written > 0);
      this.markerChars += marker.length;
      this.out += marker;
    }
    this.out += '}';
    this.leave();
    return true;
  }

  /** A non-empty container needs its brackets plus, when it may be cut, room to say so. */
  private canOpen(prefix: string, limit: number): boolean {
    if (limit - this.out.length - prefix.length >= 2 + this.reserve) return true;
    this.missed(this.out.length + prefix.length + 2);
    return false;
  }

  /** Records a budget cut; `needed` is a lower bound of the exact output's length at this point. */
  private missed(needed: number): void {
    this.cut = true;
    if (needed - this.markerChars > this.maxLength) this.mayFit = false;
  }

  /** Every visited item or key costs a step, so keys holding undefined (omitted) are bounded too. */
  private outOfSteps(): boolean {
    if (++this.steps <= this.maxLength) return false;
    this.cut = true;
    this.mayFit = false;
    return true;
  }

  /** Keeps `ancestors.length === depth`, which the error path in writeObject relies on to unwind. */
  private enter(container: object): void {
    this.ancestors.push(container);
    this.depth++;
  }

  private writeDepthLimit(prefix: string, limit: number): boolean {
    this.truncated = true;
    return this.writeRaw(DEPTH_LIMIT, prefix, limit);
  }

  private leave(): void {
    this.ancestors.pop();
    this.depth--;
  }

  /** How many items of a `total`-item collection could possibly be written: each costs a character or more. */
  private itemCap(total: number, limit: number): number {
    return Math.max(0, Math.min(total, limit - this.out.length, this.maxLength - this.steps + 1));
  }

  private keyEntry(key: string): KeyEntry {
    const cached = this.keys.get(key);
    if (cached !== undefined) return cached;
    // A key longer than the whole budget can never be written (its entry is dropped with a marker): cut
    // it anyway, so that escaping it stays bounded.
    const tooLong = key.length > this.maxLength && key.length > CACHEABLE_KEY_LENGTH;
    const name = tooLong ? this.boundedText(key, this.maxLength) : this.redact(key);
    const fragment = `${quote(name)}:`;
    const entry: KeyEntry = {
      fragment,
      commaFragment: `,${fragment}`,
      secret: this.isSecret(key),
    };
    if (key.length <= CACHEABLE_KEY_LENGTH) {
      if (this.keys.size >= KEY_CACHE_SIZE) this.keys.clear();
      this.keys.set(key, entry);
    }
    return entry;
  }

  private isSecret(key: string): boolean {
    if (this.redactor === undefined) return false;
    try {
      return this.redactor.isSecretKey(key);
    } catch {
      return true;
    }
  }

  private redact(text: string): string {
    if (this.redactor === undefined) return text;
    try {
      return this.redactor.redactText(text);
    } catch {
      return REDACTED;
    }
  }

  private applyReplace(path: string, value: unknown): unknown {
    try {
      return this.replace!(path, value);
    } catch {
      // Never leak on error: a hook that fails was probably meant to hide this value.
      return REDACTED;
    }
  }

  private read(source: object, key: string): unknown {
    try {
      return (source as Record<string, unknown>)[key];
    } catch (error) {
      return this.throwsText(error);
    }
  }

  /** `text` redacted and, when longer than `max`, cut to `max` characters plus a marker (secrets straddling the cut included). */
  private boundedText(text: string, max: number): string {
    if (text.length <= max) return this.redact(text);
    const redacted = this.redact(text.slice(0, max + REDACT_LOOKAHEAD));
    const keep = safeCut(redacted, Math.min(max, redacted.length), true);
    return `${redacted.slice(0, keep)}${stringMarker(text.length - keep)}`;
  }

  private throwsText(error: unknown): string {
    return `[Throws: ${this.boundedText(errorMessage(error), MAX_THROWS_LENGTH)}]`;
  }
}

function effectiveMaxLength(maxLength: unknown): number {
  if (typeof maxLength !== 'number' || Number.isNaN(maxLength)) return DEFAULT_MAX_LENGTH;
  return Math.min(MAX_MAX_LENGTH, Math.max(MIN_MAX_LENGTH, Math.floor(maxLength)));
}

// The key cache of the redactor used last: one comparison instead of a WeakMap lookup per value.
let lastRedactor: Redactor | undefined;
let lastRedactorKeys: Map<string, KeyEntry> = plainKeys;

function keyCacheFor(redactor: Redactor | undefined): Map<string, KeyEntry> {
  if (redactor === lastRedactor) return lastRedactorKeys;
  let cache = plainKeys;
  if (redactor !== undefined) {
    const known = redactorKeys.get(redactor);
    if (known === undefined) {
      cache = new Map();
      redactorKeys.set(redactor, cache);
    } else {
      cache = known;
    }
  }
  lastRedactor = redactor;
  lastRedactorKeys = cache;
  return cache;
}

/** A string value's JSON token: redacted, then quoted. */
function redactedToken(redactor: Redactor | undefined, text: string): string {
  if (redactor === undefined) return quote(text);
  let redacted: string;
  try {
    redacted = redactor.redactText(text);
  } catch {
    redacted = REDACTED;
  }
  return quote(redacted);
}

function quote(text: string): string {
  // Most short strings need no escaping; JSON.stringify also escapes lone surrogates (well-formed JSON).
  return text.length < 256 && !NEEDS_ESCAPE.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** Length of the escaped text that stands for the first `raw` source characters of `escaped`. */
function escapedLength(escaped: string, raw: number): number {
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
function rawCharsFitting(body: string, available: number): number {
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

function stringMarker(dropped: number): string {
  return `…[+${dropped} chars]`;
}

function objectMarker(dropped: number, comma: boolean): string {
  return `${comma ? ',' : ''}"…":"[+${dropped} more keys]"`;
}

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function functionName(fn: Function): string {
  try {
    const name: unknown = fn.name;
    return typeof name === 'string' && name !== '' ? name : 'anonymous';
  } catch {
    return 'anonymous';
  }
}

function errorMessage(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null) {
      const message: unknown = (error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
    return String(error);
  } catch {
    return 'unknown error';
  }
}

function binarySummary(view: ArrayBufferView): string {
  if (Buffer.isBuffer(view)) return `[Buffer ${typedArrayLength.call(view)} bytes]`;
  if (types.isTypedArray(view)) return `[${typedArrayName.call(view)} ${typedArrayLength.call(view)} items]`;
  return `[DataView ${dataViewByteLength.call(view)} bytes]`;
}

function arrayBufferSummary(buffer: object): string {
  if (types.isSharedArrayBuffer(buffer)) {
    return `[SharedArrayBuffer ${sharedArrayBufferByteLength.call(buffer)} bytes]`;
  }
  return `[ArrayBuffer ${arrayBufferByteLength.call(buffer)} bytes]`;
}

function dateText(date: object): string {
  const time = dateGetTime.call(date);
  return Number.isNaN(time) ? '[Invalid Date]' : dateToISOString.call(date);
}

function unbox(value: object): unknown {
  if (types.isStringObject(value)) return String.prototype.valueOf.call(value);
  if (types.isNumberObject(value)) return Number.prototype.valueOf.call(value);
  if (types.isBooleanObject(value)) return Boolean.prototype.valueOf.call(value);
  if (types.isBigIntObject(value)) return BigInt.prototype.valueOf.call(value);
  return Symbol.prototype.valueOf.call(value);
}

function getter<T>(target: object, key: PropertyKey): (this: unknown) => T {
  return Object.getOwnPropertyDescriptor(target, key)!.get as (this: unknown) => T;
}
