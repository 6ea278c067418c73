/**
 * The budget half of the Serializer: output, limits, cut markers, strings, and the two container shapes
 * (items and entries). What a value is and how it is read is the other half (serialize-values.ts), which
 * extends this class.
 *
 * The writer keeps room in every open container for its closing bracket and its `"[+N more items]"`
 * marker (the bounded pass). That reserve could cut a value whose JSON fits only just, so when something
 * was cut and nothing proved that the full JSON is too long, an exact pass (no reserve, gives up instead
 * of cutting) runs too: a value whose JSON fits is never cut, and any value costs at most two budgets.
 */
import {
  childPath,
  DEPTH_LIMIT,
  escapedLength,
  objectMarker,
  quote,
  REDACTED_TOKEN,
  rawCharsFitting,
  redactedToken,
  stringMarker,
} from './json-text.js';
import { REDACT_LOOKAHEAD, REDACTED, type Redactor, safeCut } from './redact.js';
import { addKeyEntry, CACHEABLE_KEY_LENGTH, type KeyEntry } from './serialize-keys.js';
import { MAX_COUNT, MAX_DEPTH, MAX_THROWS_LENGTH } from './serialize-limits.js';
import { elementValue, errorMessage, ownElement, ownValue } from './serialize-read.js';

/** Room every open container keeps in the bounded pass for its cut marker (the object one is the longest). */
const MARKER_RESERVE = objectMarker(MAX_COUNT, true).length;

/** How writeItems reads items: a list the Serializer built, an Array.prototype array, any other array. */
export const LIST = 0;
export const ARRAY = 1;
export const OTHER_ARRAY = 2;

export abstract class BudgetWriter {
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
  protected markerChars = 0;
  protected steps = 0;
  protected depth = 0;
  /** The containers being written, for cycle detection; shared references elsewhere are written again. */
  protected readonly ancestors: object[] = [];
  protected readonly replace: ((path: string, value: unknown) => unknown) | undefined;
  /** Room kept in each open container for its cut marker: none in the exact pass, which gives up instead. */
  private readonly reserve: number;

  constructor(
    protected readonly maxLength: number,
    protected readonly redactor: Redactor | undefined,
    private readonly keys: Map<string, KeyEntry>,
    /** The exact pass: write everything or give up (return false) as soon as something would be cut. */
    protected readonly exact: boolean,
  ) {
    this.replace = redactor?.replace;
    this.reserve = exact ? 0 : MARKER_RESERVE;
  }

  /**
   * Each `write*` appends `prefix` plus one JSON value and keeps `out.length <= limit`; it returns false,
   * having written nothing, when even the shortest form does not fit (the exact pass then gives up).
   * writeValue applies the `replace` hook first; writeAny writes what it is given.
   */
  protected abstract writeValue(
    value: unknown,
    prefix: string,
    limit: number,
    key: string | number,
    path: string,
  ): boolean;

  protected abstract writeAny(
    value: unknown,
    prefix: string,
    limit: number,
    key: string | number,
    path: string,
    useToJSON: boolean,
  ): boolean;

  protected writeRaw(token: string, prefix: string, limit: number): boolean {
    if (this.out.length + prefix.length + token.length > limit) {
      this.missed(this.out.length + prefix.length + token.length);
      return false;
    }
    this.out += prefix + token;
    return true;
  }

  /** Writes a marker standing for more text than the whole budget: the exact JSON cannot fit. */
  protected writeOverlong(marker: string, prefix: string, limit: number): boolean {
    if (this.exact) return false;
    this.cut = true;
    this.mayFit = false;
    this.truncated = true;
    const token = quote(marker);
    if (!this.writeRaw(token, prefix, limit)) return false;
    this.markerChars += token.length;
    return true;
  }

  protected writeString(text: string, prefix: string, limit: number): boolean {
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

  /**
   * Writes `items[0..count)` as a JSON array standing for `total` items, cut with `"[+N more items]"`.
   * `mode` says how items are read: LIST, ARRAY or OTHER_ARRAY.
   */
  protected writeItems(
    container: object,
    items: ArrayLike<unknown>,
    mode: number,
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
        item = mode === LIST ? items[i] : mode === ARRAY ? elementValue(items, i) : ownElement(items, i);
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
   * Writes an object from `keys` (values read from `source` as own data properties, or taken from
   * `values`) standing for `total` keys, cut with `"…": "[+N more keys]"`; undefined values are omitted,
   * like JSON.
   */
  protected writeEntries(
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
        // The value is not even read.
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
  protected missed(needed: number): void {
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

  /** Keeps `ancestors.length === depth`, which the error path of writeObject relies on to unwind. */
  private enter(container: object): void {
    this.ancestors.push(container);
    this.depth++;
  }

  private leave(): void {
    this.ancestors.pop();
    this.depth--;
  }

  private writeDepthLimit(prefix: string, limit: number): boolean {
    this.truncated = true;
    return this.writeRaw(DEPTH_LIMIT, prefix, limit);
  }

  /** How many items of a `total`-item collection could possibly be written: each costs a character or more. */
  protected itemCap(total: number, limit: number): number {
    return Math.max(0, Math.min(total, limit - this.out.length, this.maxLength - this.steps + 1));
  }

  private keyEntry(key: string): KeyEntry {
    const cached = this.keys.get(key);
    if (cached !== undefined) return cached;
    // A key longer than the whole budget can never be written (its entry is dropped with a marker): cut
    // it anyway, so that escaping it stays bounded.
    const tooLong = key.length > this.maxLength && key.length > CACHEABLE_KEY_LENGTH;
    const name = tooLong ? this.boundedText(key, this.maxLength) : this.redact(key);
    return addKeyEntry(this.keys, key, name, this.isSecret(key));
  }

  protected isSecret(key: string): boolean {
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

  protected applyReplace(path: string, value: unknown): unknown {
    try {
      return this.replace!(path, value);
    } catch {
      // Never leak on error: a hook that fails was probably meant to hide this value.
      return REDACTED;
    }
  }

  /** An own data property, or its accessor marker; a descriptor that cannot be read is recorded as thrown. */
  protected read(source: object, key: string): unknown {
    try {
      return ownValue(source, key);
    } catch (error) {
      return this.throwsText(error);
    }
  }

  /** `text` redacted and, when longer than `max`, cut to `max` characters plus a marker (secrets straddling the cut included). */
  protected boundedText(text: string, max: number): string {
    if (text.length <= max) return this.redact(text);
    const redacted = this.redact(text.slice(0, max + REDACT_LOOKAHEAD));
    const keep = safeCut(redacted, Math.min(max, redacted.length), true);
    return `${redacted.slice(0, keep)}${stringMarker(text.length - keep)}`;
  }

  protected throwsText(error: unknown): string {
    return `[Throws: ${this.boundedText(errorMessage(error), MAX_THROWS_LENGTH)}]`;
  }
}
