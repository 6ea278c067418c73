/**
 * How capture reads a value without running code the application did not run: own data properties only,
 * accessors reported as markers instead of invoked, prototype chains walked by descriptor and never past a
 * Proxy, built-in internals read through intrinsics captured at load (immune to later monkey-patching).
 * The callers check `types.isProxy` before handing an object here: nothing below invokes a trap.
 */
import { Buffer } from 'node:buffer';
import { types } from 'node:util';
import { accessorMarker, SETTER } from './json-text.js';

const gopd = Object.getOwnPropertyDescriptor;
const getPrototypeOf = Object.getPrototypeOf;
const hasOwn = Object.prototype.hasOwnProperty;
const objectPrototype = Object.prototype;
const errorPrototype = Error.prototype;
const toStringTag = Symbol.toStringTag;

type Lookup = (this: unknown, key: PropertyKey) => unknown;
const legacy = Object.prototype as unknown as { __lookupGetter__?: unknown; __lookupSetter__?: unknown };
/**
 * `__lookupGetter__` finds an element's getter ~4x faster than a descriptor (13 vs 50 ns: V8 has no fast
 * path for descriptors of elements) and allocates nothing. Own properties shadow the chain, so for an
 * own key it reports exactly the own accessor. Without Annex B, descriptors do the same.
 */
const lookupGetter: Lookup =
  typeof legacy.__lookupGetter__ === 'function'
    ? (legacy.__lookupGetter__ as Lookup)
    : function (this: unknown, key) {
        return gopd(this as object, key)?.get;
      };
const lookupSetter: Lookup =
  typeof legacy.__lookupSetter__ === 'function'
    ? (legacy.__lookupSetter__ as Lookup)
    : function (this: unknown, key) {
        return gopd(this as object, key)?.set;
      };

/** An own property's value, its accessor marker (never invoked), or undefined when there is none. */
export function ownValue(source: object, key: string): unknown {
  const descriptor = gopd(source, key);
  if (descriptor === undefined) return undefined;
  const get = descriptor.get;
  const set = descriptor.set;
  return get === undefined && set === undefined ? descriptor.value : accessorMarker(get, set);
}

/**
 * ownValue without allocating a descriptor (~95 bytes each), for the fast writer: keys just listed by
 * Object.keys (only the redactor runs in between) of an object whose prototype is Object.prototype or
 * null. The own property shadows the chain, and no Proxy can be on that chain.
 */
export function plainValue(source: object, key: string): unknown {
  const get = lookupGetter.call(source, key);
  if (get !== undefined) return accessorMarker(get, lookupSetter.call(source, key));
  const value = (source as Record<string, unknown>)[key];
  if (value === undefined && lookupSetter.call(source, key) !== undefined) return SETTER;
  return value;
}

/**
 * An array element or its accessor marker. For an array whose prototype is Array.prototype (a hole is
 * looked up in Array.prototype and Object.prototype, which hold no Proxy); other arrays use ownElement.
 */
export function elementValue(array: ArrayLike<unknown>, index: number): unknown {
  const get = lookupGetter.call(array, index);
  if (get !== undefined) return accessorMarker(get, lookupSetter.call(array, index));
  const item = array[index];
  if (item === undefined && lookupSetter.call(array, index) !== undefined) return SETTER;
  return item;
}

/** elementValue for any array: holes are not looked up in its (maybe unusual) prototype chain. */
export function ownElement(array: ArrayLike<unknown>, index: number): unknown {
  return hasOwn.call(array, index) ? elementValue(array, index) : undefined;
}

/** Prototype chains longer than this are not followed further (a chain is walked per captured object). */
const MAX_CHAIN = 64;

/** What inspectChain found; read it before running any user code (toJSON may serialize again). */
export const chain = {
  /** The `toJSON` data property found first along the chain, when it is a function. */
  toJSON: undefined as Function | undefined,
  /** Object.prototype.toString's read of Symbol.toStringTag would meet no getter and no Proxy. */
  tagSafe: true,
  /** Error.prototype is on the chain (what `instanceof Error` says, without invoking a trap). */
  errorLike: false,
  /** chainValue's last lookup met neither an accessor nor a Proxy. */
  plain: true,
};

/**
 * Walks `value`'s prototype chain by descriptor, as `value.toJSON` and Object.prototype.toString would
 * read it, but without invoking a getter or stepping into a Proxy (which ends the walk: what lies behind
 * it is treated as absent). Fills `chain`; `tagSafe` only when `wantTag`.
 */
export function inspectChain(value: object, wantTag: boolean): void {
  let toJSON: unknown;
  let toJSONFound = false;
  let tagFound = !wantTag;
  let tagSafe = true;
  let errorLike = false;
  let level: object | null = value;
  for (let depth = 0; level !== null; depth++) {
    if (depth > 0 && level !== objectPrototype && (depth >= MAX_CHAIN || types.isProxy(level))) {
      if (!tagFound) tagSafe = false;
      break;
    }
    if (level === errorPrototype) errorLike = true;
    // hasOwn first: cheaper than a descriptor, and most levels have neither key.
    if (!toJSONFound && hasOwn.call(level, 'toJSON')) {
      const descriptor = gopd(level, 'toJSON')!;
      toJSONFound = true;
      // A getter named toJSON is not invoked: the object is written as if it had no toJSON.
      if (descriptor.get === undefined && descriptor.set === undefined) toJSON = descriptor.value;
    }
    if (!tagFound && hasOwn.call(level, toStringTag)) {
      const descriptor = gopd(level, toStringTag)!;
      tagFound = true;
      tagSafe = descriptor.get === undefined && descriptor.set === undefined;
    }
    level = getPrototypeOf(level) as object | null;
  }
  // A Proxy as toJSON would run its `apply` trap: not called either.
  chain.toJSON = typeof toJSON === 'function' && !types.isProxy(toJSON) ? toJSON : undefined;
  chain.tagSafe = tagSafe;
  chain.errorLike = errorLike;
}

/**
 * A property as `value[key]` would read it, found by descriptor along the chain: the data value, an
 * accessor marker, or undefined (absent, or behind a Proxy).
 */
export function chainValue(value: object, key: string): unknown {
  chain.plain = false;
  let level: object | null = value;
  for (let depth = 0; level !== null && depth < MAX_CHAIN; depth++) {
    if (depth > 0 && level !== objectPrototype && types.isProxy(level)) return undefined;
    const descriptor = gopd(level, key);
    if (descriptor !== undefined) {
      const get = descriptor.get;
      const set = descriptor.set;
      if (get !== undefined || set !== undefined) return accessorMarker(get, set);
      chain.plain = true;
      return descriptor.value;
    }
    level = getPrototypeOf(level) as object | null;
  }
  chain.plain = level === null;
  return undefined;
}

/**
 * Object.prototype.toString's answer from internal slots only, for objects whose tag cannot be read
 * safely (a Symbol.toStringTag getter, or a Proxy on the chain).
 */
export function slotTag(value: object): string {
  if (types.isNativeError(value)) return '[object Error]';
  if (types.isDate(value)) return '[object Date]';
  if (types.isMap(value)) return '[object Map]';
  if (types.isSet(value)) return '[object Set]';
  if (types.isAnyArrayBuffer(value)) return '[object ArrayBuffer]';
  if (types.isPromise(value)) return '[object Promise]';
  if (types.isWeakMap(value)) return '[object WeakMap]';
  if (types.isWeakSet(value)) return '[object WeakSet]';
  if (types.isGeneratorObject(value)) return '[object Generator]';
  if (types.isRegExp(value)) return '[object RegExp]';
  // Any boxed tag will do: the writer unboxes by slot.
  if (types.isBoxedPrimitive(value)) return '[object String]';
  return '[object Object]';
}

/** The stack getter of the engine, if it has one (V8 in Node 20 stores `stack` as an own data property). */
const intrinsicStackGetter: Function | undefined =
  gopd(new Error(), 'stack')?.get ?? gopd(Error.prototype, 'stack')?.get;

/**
 * An error's stack: the data property, or the engine's own getter on a native error; else a marker.
 * V8 formats a stack when it is first read, and its first line reads `name` and `message` the way
 * `error.name` would: call this only when chainValue found both plain (see Serializer.writeError).
 * A global `Error.prepareStackTrace` installed by the application runs then, as on any first read.
 */
export function errorStack(error: object): unknown {
  let level: object | null = error;
  for (let depth = 0; level !== null && depth < MAX_CHAIN; depth++) {
    if (depth > 0 && level !== objectPrototype && types.isProxy(level)) return undefined;
    const descriptor = gopd(level, 'stack');
    if (descriptor !== undefined) {
      const get = descriptor.get;
      if (get === undefined && descriptor.set === undefined) return descriptor.value;
      if (get !== undefined && get === intrinsicStackGetter && types.isNativeError(error))
        return get.call(error);
      return accessorMarker(get, descriptor.set);
    }
    level = getPrototypeOf(level) as object | null;
  }
  return undefined;
}

const LOG10_2 = Math.log10(2);

/**
 * Whether `value` has at most `digits + 1` decimal digits, decided without converting it: `asIntN` returns
 * its argument in O(1) when it fits in that many bits. When this is false the value has more than
 * `digits` digits.
 */
export function bigIntFits(value: bigint, digits: number): boolean {
  if (BigInt.asIntN(64, value) === value) return true;
  return BigInt.asIntN(Math.ceil(digits / LOG10_2) + 1, value) === value;
}

/**
 * The number of decimal digits of a huge BigInt, ±1, from its hex form: a linear pass over its binary
 * digits (~1 ms for a million decimal digits, where the decimal conversion takes ~240 ms).
 */
export function bigIntDigits(value: bigint): number {
  let hex = value.toString(16);
  if (hex.charCodeAt(0) === 0x2d) hex = hex.slice(1);
  const lead = hex.length > 12 ? hex.slice(0, 12) : hex;
  return Math.floor(Math.log10(Number.parseInt(lead, 16)) + (hex.length - lead.length) * Math.log10(16)) + 1;
}

export function functionName(fn: Function): string {
  const descriptor = gopd(fn, 'name');
  const name: unknown = descriptor?.value;
  return typeof name === 'string' && name !== '' ? name : 'anonymous';
}

/** The message of something thrown by toJSON or a hook, read without invoking anything. */
export function errorMessage(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null) {
      if (types.isProxy(error)) return '[Proxy]';
      const message = chainValue(error, 'message');
      return typeof message === 'string' ? message : 'unknown error';
    }
    return typeof error === 'function' ? 'a function' : String(error);
  } catch {
    return 'unknown error';
  }
}

function getter<T>(target: object, key: PropertyKey): (this: unknown) => T {
  return gopd(target, key)!.get as (this: unknown) => T;
}

const typedArrayPrototype: object = getPrototypeOf(Uint8Array.prototype);
const typedArrayLength = getter<number>(typedArrayPrototype, 'length');
const typedArrayName = getter<string>(typedArrayPrototype, Symbol.toStringTag);
const arrayBufferByteLength = getter<number>(ArrayBuffer.prototype, 'byteLength');
const sharedArrayBufferByteLength = getter<number>(SharedArrayBuffer.prototype, 'byteLength');
const dataViewByteLength = getter<number>(DataView.prototype, 'byteLength');
const dateGetTime = Date.prototype.getTime;
const dateToISOString = Date.prototype.toISOString;
const stringValueOf = String.prototype.valueOf;
const numberValueOf = Number.prototype.valueOf;
const booleanValueOf = Boolean.prototype.valueOf;
const bigIntValueOf = BigInt.prototype.valueOf;
const symbolValueOf = Symbol.prototype.valueOf;
const regExpSource = getter<string>(RegExp.prototype, 'source');
/** The flag getters read internal slots; RegExp.prototype.toString would read (overridable) `flags`. */
const regExpFlags = (
  [
    ['hasIndices', 'd'],
    ['global', 'g'],
    ['ignoreCase', 'i'],
    ['multiline', 'm'],
    ['dotAll', 's'],
    ['unicode', 'u'],
    ['unicodeSets', 'v'],
    ['sticky', 'y'],
  ] as const
)
  .filter(([name]) => gopd(RegExp.prototype, name)?.get !== undefined)
  .map(([name, flag]) => [getter<boolean>(RegExp.prototype, name), flag] as const);

export const mapSize = getter<number>(Map.prototype, 'size');
export const setSize = getter<number>(Set.prototype, 'size');
export const mapEntries = Map.prototype.entries;
export const setValues = Set.prototype.values;
/** The iterators' `next`, so that a patched iterator prototype is not called either. */
export const mapIteratorNext: (this: unknown) => IteratorResult<[unknown, unknown]> = getPrototypeOf(
  new Map().entries(),
).next;
export const setIteratorNext: (this: unknown) => IteratorResult<unknown> = getPrototypeOf(
  new Set().values(),
).next;

export function binarySummary(view: ArrayBufferView): string {
  if (Buffer.isBuffer(view)) return `[Buffer ${typedArrayLength.call(view)} bytes]`;
  if (types.isTypedArray(view)) return `[${typedArrayName.call(view)} ${typedArrayLength.call(view)} items]`;
  return `[DataView ${dataViewByteLength.call(view)} bytes]`;
}

export function arrayBufferSummary(buffer: object): string {
  if (types.isSharedArrayBuffer(buffer)) {
    return `[SharedArrayBuffer ${sharedArrayBufferByteLength.call(buffer)} bytes]`;
  }
  return `[ArrayBuffer ${arrayBufferByteLength.call(buffer)} bytes]`;
}

export function dateText(date: object): string {
  const time = dateGetTime.call(date);
  return Number.isNaN(time) ? '[Invalid Date]' : dateToISOString.call(date);
}

export function regExpText(regExp: object): string {
  let flags = '';
  for (const [get, flag] of regExpFlags) if (get.call(regExp)) flags += flag;
  return `/${regExpSource.call(regExp)}/${flags}`;
}

export function unbox(value: object): unknown {
  if (types.isStringObject(value)) return stringValueOf.call(value);
  if (types.isNumberObject(value)) return numberValueOf.call(value);
  if (types.isBooleanObject(value)) return booleanValueOf.call(value);
  if (types.isBigIntObject(value)) return bigIntValueOf.call(value);
  return symbolValueOf.call(value);
}
