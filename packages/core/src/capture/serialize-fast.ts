/**
 * The one-pass writer for what most captured values are: a few keys of plain data. No cut bookkeeping:
 * it writes exactly what the Serializer's exact pass would, or gives up (returns false) as soon as the
 * value is anything else, too big or too deep, and the Serializer starts over.
 */
import { types } from 'node:util';
import { REDACTED_TOKEN, redactedToken } from './json-text.js';
import type { Redactor } from './redact.js';
import { addKeyEntry, CACHEABLE_KEY_LENGTH, type KeyEntry } from './serialize-keys.js';
import { elementValue, plainValue } from './serialize-read.js';

const FAST_MAX_NODES = 64;
const FAST_MAX_DEPTH = 8;

const hasOwn = Object.prototype.hasOwnProperty;
const getPrototypeOf = Object.getPrototypeOf;
const arrayPrototype = Array.prototype;
const objectPrototype = Object.prototype;

export interface FastState {
  out: string;
  nodes: number;
  max: number;
  redactor: Redactor | undefined;
  keys: Map<string, KeyEntry>;
}

/** One FastState reused by every call (a redactor that serializes while we write gets a fresh one). */
let spareFastState: FastState | undefined;

/**
 * The key list of the object that made the fast writer give up for having too many keys: handed to the
 * Serializer, so that even a million-key object is enumerated once per capture (there is no lazy way to
 * list the keys of a dictionary-mode object, see Serializer.ownKeys).
 */
let listedObject: object | undefined;
let listedKeys: string[] | undefined;

export function takeFastState(
  max: number,
  redactor: Redactor | undefined,
  keys: Map<string, KeyEntry>,
): FastState {
  const state = spareFastState ?? { out: '', nodes: 0, max, redactor, keys };
  spareFastState = undefined;
  state.out = '';
  state.nodes = 0;
  state.max = max;
  state.redactor = redactor;
  state.keys = keys;
  return state;
}

export function releaseFastState(state: FastState): void {
  state.out = '';
  state.redactor = undefined;
  spareFastState = state;
}

/** The key list the last fast attempt made and gave up on, for the Serializer; cleared when taken. */
export function takeListedKeys(): Map<object, string[]> | undefined {
  if (listedObject === undefined) return undefined;
  const lists = new Map<object, string[]>([[listedObject, listedKeys!]]);
  listedObject = undefined;
  listedKeys = undefined;
  return lists;
}

/** `value` as JSON of at most `maxLength` characters, or undefined when the Serializer must write it. */
export function fastJson(
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
    // A descriptor that cannot be read (a module namespace in its TDZ): the Serializer records it.
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
    // Only ordinary arrays: a hole is then looked up where no Proxy can be (see elementValue).
    if (length > FAST_MAX_NODES || getPrototypeOf(value) !== arrayPrototype) return false;
    state.out += '[';
    for (let i = 0; i < length; i++) {
      if (i > 0) state.out += ',';
      if (!fastValue(state, elementValue(value, i), depth + 1)) return false;
    }
    state.out += ']';
    return true;
  }
  const proto: unknown = getPrototypeOf(value);
  if ((proto !== objectPrototype && proto !== null) || hasOwn.call(value, 'toJSON')) return false;
  const own = Object.keys(value);
  if (own.length > FAST_MAX_NODES) {
    listedObject = value;
    listedKeys = own;
    return false;
  }
  return fastEntries(state, own, value, false, own.length, depth);
}

/**
 * Writes `{"key":value,...}` for `keys[0..count)`; a value is the own data property `source[key]` (an
 * accessor is written as its marker, never invoked), or `source[i]` when `byIndex` (the arguments of a
 * call, written under their parameter names).
 */
export function fastEntries(
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
    const item = byIndex ? (source as ArrayLike<unknown>)[i] : plainValue(source, key);
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
  return addKeyEntry(state.keys, key, name, secret);
}
