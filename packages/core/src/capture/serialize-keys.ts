/** The key cache shared by the fast writer and the Serializer: a key's JSON text and secrecy, once per redactor. */
import { quote } from './json-text.js';
import type { Redactor } from './redact.js';

/** A key's JSON text (`"key":`) and whether its value is a secret, computed once per key and redactor. */
export interface KeyEntry {
  readonly fragment: string;
  readonly commaFragment: string;
  readonly secret: boolean;
}

const KEY_CACHE_SIZE = 2048;
/** Longer keys are not cached (and the fast writer leaves them to the Serializer, which bounds them). */
export const CACHEABLE_KEY_LENGTH = 128;

const plainKeys = new Map<string, KeyEntry>();
const redactorKeys = new WeakMap<Redactor, Map<string, KeyEntry>>();

// The key cache of the redactor used last: one comparison instead of a WeakMap lookup per value.
let lastRedactor: Redactor | undefined;
let lastRedactorKeys: Map<string, KeyEntry> = plainKeys;

export function keyCacheFor(redactor: Redactor | undefined): Map<string, KeyEntry> {
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

/** Builds the entry of a key written as `name` (the key redacted, maybe cut) and caches it when short. */
export function addKeyEntry(
  cache: Map<string, KeyEntry>,
  key: string,
  name: string,
  secret: boolean,
): KeyEntry {
  const fragment = `${quote(name)}:`;
  const entry: KeyEntry = { fragment, commaFragment: `,${fragment}`, secret };
  if (key.length <= CACHEABLE_KEY_LENGTH) {
    if (cache.size >= KEY_CACHE_SIZE) cache.clear();
    cache.set(key, entry);
  }
  return entry;
}
