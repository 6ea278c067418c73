/**
 * Redaction of secrets in captured content. A value stored under a secret-looking key is replaced whole;
 * secret-looking substrings of any string (API keys, bearer tokens, ...) are replaced in place. Rules are
 * compiled once by `createRedactor`. Key rules live in `redact-keys.ts`, value patterns in
 * `redact-patterns.ts`, and the scan that skips the patterns that cannot match in `redact-scan.ts`.
 */
import { GlassboxConfigError } from '../errors.js';
import { KeyRules } from './redact-keys.js';
import { REDACTED, TextRules } from './redact-scan.js';

export { DEFAULT_REDACT_KEYS } from './redact-keys.js';
export { DEFAULT_REDACT_PATTERNS } from './redact-patterns.js';
export { REDACTED } from './redact-scan.js';

/** Redaction rules added to the defaults (the `redact` option of `init`). */
export interface RedactOptions {
  /** Extra secret key names (matched like DEFAULT_REDACT_KEYS) or RegExps tested on the raw key. */
  keys?: (string | RegExp)[];
  /** Extra secret value patterns; each whole match is replaced by REDACTED. */
  patterns?: RegExp[];
  /** Called with each captured value's path (`$.messages[0].content`); its result is captured instead. */
  replace?: (path: string, value: unknown) => unknown;
}

/** Compiled redaction rules: build once with `createRedactor`, then share for every call. */
export interface Redactor {
  /** Tells whether the value stored under `key` must be replaced whole by REDACTED. */
  isSecretKey(key: string): boolean;
  /** Returns `text` with every secret-looking substring replaced by REDACTED. */
  redactText(text: string): string;
  /** The user's `replace(path, value)` hook; a throw must be treated as REDACTED by the caller. */
  readonly replace: ((path: string, value: unknown) => unknown) | undefined;
}

/**
 * How far past a cut the patterns must look so that a secret straddling the cut is still recognised and
 * removed whole; every default pattern matches within this many characters of a secret's start.
 */
export const REDACT_LOOKAHEAD = 512;

class RuleRedactor implements Redactor {
  constructor(
    private readonly keys: KeyRules,
    private readonly text: TextRules,
    readonly replace: ((path: string, value: unknown) => unknown) | undefined,
  ) {}

  isSecretKey(key: string): boolean {
    return this.keys.isSecret(key);
  }

  redactText(text: string): string {
    if (typeof text !== 'string') return text;
    return this.text.redact(text);
  }
}

/** Builds the redactor for `options` on top of the defaults, or `undefined` (no redaction) for `false`. */
export function createRedactor(options?: RedactOptions | false): Redactor | undefined {
  if (options === false) return undefined;
  if (options === undefined || options === null) return defaultRedactor();
  if (typeof options !== 'object') invalid('redact', 'expected an object or false');
  const keys = validateList(
    options.keys,
    'redact.keys',
    'strings or RegExps',
    (k) => typeof k === 'string' || k instanceof RegExp,
  );
  const patterns = validateList(
    options.patterns,
    'redact.patterns',
    'RegExps',
    (p) => p instanceof RegExp,
  ) as RegExp[];
  if (options.replace !== undefined && typeof options.replace !== 'function') {
    invalid('redact.replace', 'expected a function (path, value) => value');
  }
  if (keys.length === 0 && patterns.length === 0 && options.replace === undefined) return defaultRedactor();
  return compile(keys as (string | RegExp)[], patterns, options.replace);
}

/**
 * Redacts a plain string that does not go through `serialize`, cut to `maxLength` characters when given:
 * redact-then-cut, so a secret straddling the cut is removed whole (cutting first would leak its start);
 * never throws.
 */
export function redactString(text: string, redactor: Redactor | undefined, maxLength?: number): string {
  if (typeof text !== 'string') return text;
  const limit =
    maxLength !== undefined && text.length > maxLength ? Math.max(0, Math.floor(maxLength)) : undefined;
  const window = limit === undefined ? text : text.slice(0, limit + REDACT_LOOKAHEAD);
  let redacted = window;
  if (redactor !== undefined) {
    try {
      redacted = redactor.redactText(window);
    } catch {
      // A broken custom redactor must not leak the text it failed to check.
      return REDACTED;
    }
  }
  if (limit === undefined || redacted.length <= limit) return redacted;
  return redacted.slice(0, safeCut(redacted, limit, redacted !== window));
}

/** Moves a cut at `keep` back so that it splits neither a surrogate pair nor a REDACTED marker. */
export function safeCut(text: string, keep: number, redacted: boolean): number {
  if (keep > 0) {
    const code = text.charCodeAt(keep - 1);
    if (code >= 0xd800 && code <= 0xdbff) keep--;
  }
  if (redacted && keep > 0) {
    const at = text.indexOf(REDACTED, Math.max(0, keep - REDACTED.length + 1));
    if (at !== -1 && at < keep) keep = at;
  }
  return keep;
}

let sharedDefault: Redactor | undefined;

function defaultRedactor(): Redactor {
  sharedDefault ??= compile([], [], undefined);
  return sharedDefault;
}

function compile(
  keys: readonly (string | RegExp)[],
  patterns: readonly RegExp[],
  replace: RedactOptions['replace'],
): Redactor {
  return new RuleRedactor(new KeyRules(keys), new TextRules(patterns), replace);
}

function validateList(
  list: unknown,
  option: string,
  expected: string,
  ok: (item: unknown) => boolean,
): unknown[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) invalid(option, `expected an array of ${expected}`);
  const bad = list.findIndex((item) => !ok(item));
  if (bad !== -1) invalid(`${option}[${bad}]`, `expected ${expected}`);
  return list;
}

function invalid(option: string, message: string): never {
  throw new GlassboxConfigError({ option, message });
}
