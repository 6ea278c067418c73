/**
 * The value half of the Serializer (the budget half is BudgetWriter): what each kind of value is written
 * as, and how it is read. Nothing here invokes a getter, a Proxy trap or a patched prototype method; the
 * only user code capture runs is `toJSON` (the serialization protocol) and the redactor's hooks.
 */
import { types } from 'node:util';
import { bigIntMarker, CIRCULAR, PROXY_TOKEN } from './json-text.js';
import { REDACTED, type Redactor } from './redact.js';
import type { KeyEntry } from './serialize-keys.js';
import { MAX_STACK_LENGTH } from './serialize-limits.js';
import {
  arrayBufferSummary,
  bigIntDigits,
  bigIntFits,
  binarySummary,
  chain,
  chainValue,
  dateText,
  errorStack,
  functionName,
  inspectChain,
  mapEntries,
  mapIteratorNext,
  mapSize,
  regExpText,
  setIteratorNext,
  setSize,
  setValues,
  slotTag,
  unbox,
} from './serialize-read.js';
import { ARRAY, BudgetWriter, LIST, OTHER_ARRAY } from './serialize-writer.js';

const objectToString = Object.prototype.toString;
/** Not `toJSON.call(...)`: that reads `call` from the function, which may have its own. */
const apply = Reflect.apply;
const hasOwn = Object.prototype.hasOwnProperty;
const getPrototypeOf = Object.getPrototypeOf;
const arrayPrototype = Array.prototype;
const objectPrototype = Object.prototype;

const STACK_NOT_READ = '[Not read: formatting it would call a getter]';
/** Objects with more keys than this have their key list reused by the second pass. */
const LARGE_KEY_COUNT = 1024;

export class Serializer extends BudgetWriter {
  constructor(
    maxLength: number,
    redactor: Redactor | undefined,
    keys: Map<string, KeyEntry>,
    exact: boolean,
    /** Key lists of huge objects, enumerated once per capture and reused by every pass. */
    public largeKeyLists?: Map<object, string[]>,
  ) {
    super(maxLength, redactor, keys, exact);
  }

  writeRoot(value: unknown): boolean {
    return this.writeValue(value, '', this.maxLength, '', '$');
  }

  protected writeValue(
    value: unknown,
    prefix: string,
    limit: number,
    key: string | number,
    path: string,
  ): boolean {
    if (this.replace !== undefined) value = this.applyReplace(path, value);
    return this.writeAny(value, prefix, limit, key, path, true);
  }

  protected writeAny(
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
        return this.writeBigInt(value, prefix, limit);
      case 'symbol':
        return this.writeString(`[${String(value)}]`, prefix, limit);
      case 'function':
        if (types.isProxy(value)) return this.writeRaw(PROXY_TOKEN, prefix, limit);
        return this.writeString(`[Function ${functionName(value)}]`, prefix, limit);
      default:
        if (value === null) return this.writeRaw('null', prefix, limit);
        return this.writeObject(value as object, prefix, limit, key, path, useToJSON);
    }
  }

  /**
   * As a string with an `n` suffix, cut like one; a BigInt with more digits than the whole budget is
   * never converted to decimal (that costs ~240 ms for a million digits) and is written as a marker.
   */
  private writeBigInt(value: bigint, prefix: string, limit: number): boolean {
    if (bigIntFits(value, this.maxLength)) return this.writeString(`${value}n`, prefix, limit);
    return this.writeOverlong(bigIntMarker(bigIntDigits(value), value < 0n), prefix, limit);
  }

  private writeObject(
    value: object,
    prefix: string,
    limit: number,
    key: string | number,
    path: string,
    useToJSON: boolean,
  ): boolean {
    // A Proxy is not read at all: any operation on it (even Object.getPrototypeOf) may run a trap.
    if (types.isProxy(value)) return this.writeRaw(PROXY_TOKEN, prefix, limit);
    if (this.ancestors.includes(value)) return this.writeRaw(CIRCULAR, prefix, limit);
    const mark = this.out.length;
    const depth = this.depth;
    try {
      return this.writeObjectUnguarded(value, prefix, limit, key, path, useToJSON);
    } catch (error) {
      // toJSON or a descriptor threw where no finer guard applies: drop this value's partial output.
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
      const mode = getPrototypeOf(value) === arrayPrototype ? ARRAY : OTHER_ARRAY;
      return this.writeItems(value, value, mode, length, length, prefix, limit, path);
    }
    const proto: unknown = getPrototypeOf(value);
    const plain = proto === objectPrototype || proto === null;
    inspectChain(value, !plain);
    const toJSON = chain.toJSON;
    if (!plain) {
      const written = this.writeBuiltin(value, prefix, limit, path, chain.tagSafe, chain.errorLike);
      if (written !== undefined) return written;
    }
    if (useToJSON && toJSON !== undefined) {
      // Like JSON.stringify: toJSON is called once, its result is not asked for toJSON again.
      const result: unknown = apply(toJSON, value, [String(key)]);
      return this.writeAny(result, prefix, limit, key, path, false);
    }
    const keys = this.ownKeys(value);
    return this.writeEntries(value, value, keys, undefined, keys.length, prefix, limit, path);
  }

  /**
   * Object.keys, once per capture for huge objects (shared by both passes, and taken over from the fast
   * writer when it listed them first). V8 has no lazy way to list the keys of a dictionary-mode object
   * (for...in collects them all up front too), so this O(n) step is the one cost not bounded by
   * maxLength: ~230 ms for a million keys. `Object.keys` is looked up per call, not captured at load.
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
  private writeBuiltin(
    value: object,
    prefix: string,
    limit: number,
    path: string,
    tagSafe: boolean,
    errorLike: boolean,
  ): boolean | undefined {
    if (ArrayBuffer.isView(value)) return this.writeRaw(`"${binarySummary(value)}"`, prefix, limit);
    // The tag narrows the candidates cheaply; `types` confirms, so a spoofed Symbol.toStringTag cannot fool
    // us. A tag behind a getter or a Proxy is not read: internal slots decide alone.
    const tag = tagSafe ? objectToString.call(value) : slotTag(value);
    switch (tag) {
      case '[object Error]':
        if (types.isNativeError(value)) return this.writeError(value, prefix, limit, path);
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
        if (types.isRegExp(value)) return this.writeString(regExpText(value), prefix, limit);
        break;
      case '[object String]':
      case '[object Number]':
      case '[object Boolean]':
      case '[object BigInt]':
      case '[object Symbol]':
        if (types.isBoxedPrimitive(value)) return this.writeAny(unbox(value), prefix, limit, '', path, false);
        break;
    }
    if (errorLike || types.isNativeError(value)) return this.writeError(value, prefix, limit, path);
    return undefined;
  }

  /**
   * Errors as `{name, message, ...own enumerable props, cause, errors, stack}`: stack last, so it is cut
   * first. `name` and `message` are read along the chain like any property, by descriptor (a getter on a
   * user's error class is shown as a marker); `stack` is the engine's own (see errorStack).
   */
  private writeError(error: object, prefix: string, limit: number, path: string): boolean {
    const keys = ['name', 'message'];
    const name = this.readChain(error, 'name');
    let plain = chain.plain;
    const message = this.readChain(error, 'message');
    plain &&= chain.plain;
    const values = [name, message];
    const own = this.ownKeys(error);
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
    // A stack not yet formatted would invoke the getters (or traps) behind name or message: not read then.
    let stack: unknown = STACK_NOT_READ;
    if (plain) {
      try {
        stack = errorStack(error);
      } catch (thrown) {
        stack = this.throwsText(thrown);
      }
    }
    if (typeof stack === 'string') {
      keys.push('stack');
      values.push(this.boundedText(stack, MAX_STACK_LENGTH));
      if (stack.length > MAX_STACK_LENGTH) this.truncated = true;
    }
    const total = keys.length + own.length - cap;
    return this.writeEntries(error, undefined, keys, values, total, prefix, limit, path);
  }

  private readChain(source: object, key: string): unknown {
    try {
      return chainValue(source, key);
    } catch (error) {
      chain.plain = false;
      return this.throwsText(error);
    }
  }

  /** Maps as objects when all keys are strings (key rules apply), else as `[key, value]` pairs. */
  private writeMap(map: Map<unknown, unknown>, prefix: string, limit: number, path: string): boolean {
    const size = mapSize.call(map);
    const cap = this.itemCap(size, limit);
    const keys: unknown[] = [];
    const values: unknown[] = [];
    let stringKeys = true;
    const entries = mapEntries.call(map);
    for (let i = 0; i < cap; i++) {
      const step = mapIteratorNext.call(entries);
      if (step.done) break;
      keys.push(step.value[0]);
      values.push(step.value[1]);
      if (typeof step.value[0] !== 'string') stringKeys = false;
    }
    if (stringKeys) {
      return this.writeEntries(map, undefined, keys as string[], values, size, prefix, limit, path);
    }
    const pairs: unknown[] = [];
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      pairs.push([key, typeof key === 'string' && this.isSecret(key) ? REDACTED : values[i]]);
    }
    return this.writeItems(map, pairs, LIST, pairs.length, size, prefix, limit, path);
  }

  private writeSet(set: Set<unknown>, prefix: string, limit: number, path: string): boolean {
    const size = setSize.call(set);
    const cap = this.itemCap(size, limit);
    const items: unknown[] = [];
    const iterator = setValues.call(set);
    for (let i = 0; i < cap; i++) {
      const step = setIteratorNext.call(iterator);
      if (step.done) break;
      items.push(step.value);
    }
    return this.writeItems(set, items, LIST, items.length, size, prefix, limit, path);
  }
}
