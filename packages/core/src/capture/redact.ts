/**
 * Redaction of secrets in captured content. A value stored under a secret-looking key is replaced whole;
 * secret-looking substrings of any string (API keys, bearer tokens, ...) are replaced in place. Rules are
 * compiled once by `createRedactor`, so the per-string cost is one regex scan (or none for short strings).
 */
import { GlassboxConfigError } from '../errors.js';

/** The text that stands in for every redacted value or substring. */
export const REDACTED = '[REDACTED]';

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
 * Secret key names, normalised (lower-case, without `-`, `_`, `.` or spaces): a key is secret when its
 * normalised form equals an entry or, for entries of 6+ characters, ends with it (`client_secret`,
 * `x-api-key`, `set-cookie`); `token`, `auth`, `pwd` and `jwt` match only exactly, so token counts such as
 * `max_tokens`, `input_tokens`, `token_count` or `eos_token` stay visible.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  'token',
  'auth',
  'pwd',
  'jwt',
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
  'signingkey',
  'encryptionkey',
  'masterkey',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'bearertoken',
  'apitoken',
  'csrftoken',
  'xsrftoken',
  'securitytoken',
  'sastoken',
  'authorization',
  'cookie',
  'credential',
  'credentials',
  'connectionstring',
]);

/**
 * Secret value patterns (OpenAI/Anthropic keys, bearer tokens, AWS key ids, GitHub, Slack, Google and
 * Stripe keys, JWTs, PEM private keys, URL passwords, secret query parameters); a default pattern's first
 * capture group is context that is kept (`Bearer `), the rest of the match is replaced.
 */
export const DEFAULT_REDACT_PATTERNS: readonly RegExp[] = Object.freeze([
  /\bsk-[A-Za-z0-9_-]{20,}/,
  /\b((?:[Bb]earer|BEARER)\s+)[A-Za-z0-9._~+/=-]{8,}/,
  /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/,
  /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})/,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bAIza[0-9A-Za-z_-]{35}/,
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/,
  // Ends at the end of the text when the END line is missing, so a key cut by truncation is still caught.
  /-----BEGIN[A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY-----|$)/,
  /(:\/\/[^\s/:@]{1,128}:)[^\s/@]{1,256}(?=@)/,
  /([?&](?:api[_-]?key|access[_-]?token|refresh[_-]?token|token|secret|client[_-]?secret|password|sig|X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential)=)[^&#\s"'<>]+/,
]);

/**
 * How far past a cut the patterns must look so that a secret straddling the cut is still recognised and
 * removed whole; every default pattern matches within this many characters of a secret's start.
 */
export const REDACT_LOOKAHEAD = 512;

/** Shortest text any default pattern can match (`?sig=x`); shorter strings skip the scan. */
const DEFAULT_MIN_SECRET_LENGTH = 6;
/** Entries this long or longer also match as a suffix of the normalised key. */
const SUFFIX_MIN_LENGTH = 6;
/** Longer keys are not names: name rules are skipped and user RegExps see only this prefix. */
const MAX_KEY_NAME_LENGTH = 256;
const KEY_SEPARATORS = /[\s_.-]/g;

interface Scanner {
  readonly re: RegExp;
  /** Capture groups whose text is context to keep in front of REDACTED (the first one that matched). */
  readonly keep: readonly number[];
}

class RuleRedactor implements Redactor {
  constructor(
    private readonly exactKeys: ReadonlySet<string>,
    private readonly suffixKeys: RegExp | undefined,
    private readonly keyPatterns: readonly RegExp[],
    private readonly scanners: readonly Scanner[],
    private readonly minSecretLength: number,
    readonly replace: ((path: string, value: unknown) => unknown) | undefined,
  ) {}

  isSecretKey(key: string): boolean {
    if (typeof key !== 'string') return false;
    if (key.length <= MAX_KEY_NAME_LENGTH) {
      const name = normalizeKey(key);
      if (this.exactKeys.has(name) || (this.suffixKeys?.test(name) ?? false)) return true;
    }
    if (this.keyPatterns.length === 0) return false;
    const head = key.length > MAX_KEY_NAME_LENGTH ? key.slice(0, MAX_KEY_NAME_LENGTH) : key;
    return this.keyPatterns.some((re) => re.test(head));
  }

  redactText(text: string): string {
    if (typeof text !== 'string' || text.length < this.minSecretLength) return text;
    let result = text;
    for (const scanner of this.scanners) result = applyScanner(scanner, result);
    return result;
  }
}

/** Replaces each non-empty match, keeping the first matched context group; no allocation when clean. */
function applyScanner(scanner: Scanner, text: string): string {
  const { re, keep } = scanner;
  re.lastIndex = 0;
  let match = re.exec(text);
  if (match === null) return text;
  let out = '';
  let last = 0;
  do {
    const start = match.index;
    const end = start + match[0].length;
    if (end === start) {
      // A user pattern that can match nothing must not loop forever nor insert REDACTED everywhere.
      re.lastIndex = end + 1;
      continue;
    }
    let context = '';
    for (const group of keep) {
      const kept = match[group];
      if (kept !== undefined) {
        context = kept;
        break;
      }
    }
    out += text.slice(last, start) + context + REDACTED;
    last = end;
  } while ((match = re.exec(text)) !== null);
  return out + text.slice(last);
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
  const exact = new Set<string>();
  const suffixes: string[] = [];
  const keyPatterns: RegExp[] = [];
  for (const key of [...DEFAULT_REDACT_KEYS, ...keys]) {
    if (key instanceof RegExp) {
      keyPatterns.push(withoutState(key));
      continue;
    }
    const name = normalizeKey(key);
    if (name === '') continue;
    exact.add(name);
    if (name.length >= SUFFIX_MIN_LENGTH) suffixes.push(escapeRegExp(name));
  }
  const suffixKeys = suffixes.length > 0 ? new RegExp(`(?:${suffixes.join('|')})$`) : undefined;
  const minLength = patterns.length > 0 ? 1 : DEFAULT_MIN_SECRET_LENGTH;
  return new RuleRedactor(exact, suffixKeys, keyPatterns, compileScanners(patterns), minLength, replace);
}

/**
 * Defaults and the user patterns with the same flags share one alternation, so a clean string costs a
 * single `exec`; patterns with other flags or back-references get their own scanner.
 */
function compileScanners(patterns: readonly RegExp[]): Scanner[] {
  const defaults = { sources: [] as string[], keep: [] as number[], groups: 0 };
  for (const pattern of DEFAULT_REDACT_PATTERNS) {
    const groups = countGroups(pattern.source, '');
    if (groups > 0) defaults.keep.push(defaults.groups + 1);
    defaults.sources.push(pattern.source);
    defaults.groups += groups;
  }
  const byFlags = new Map<string, string[]>();
  const alone: RegExp[] = [];
  for (const pattern of patterns) {
    const flags = pattern.flags.replace(/[gyd]/g, '');
    if (/\\[1-9]|\\k</.test(pattern.source)) alone.push(new RegExp(pattern.source, `${flags}g`));
    else byFlags.set(flags, [...(byFlags.get(flags) ?? []), pattern.source]);
  }
  const scanners: Scanner[] = [];
  const shared = combine([...defaults.sources, ...(byFlags.get('') ?? [])], '');
  if (shared !== undefined) {
    scanners.push({ re: shared, keep: defaults.keep });
  } else {
    // Only user sources can break the combination (duplicate group names): keep them apart.
    scanners.push({ re: combine(defaults.sources, '')!, keep: defaults.keep });
    for (const source of byFlags.get('') ?? []) alone.push(new RegExp(source, 'g'));
  }
  for (const [flags, sources] of byFlags) {
    if (flags === '') continue;
    const re = combine(sources, flags);
    if (re !== undefined) scanners.push({ re, keep: [] });
    else for (const source of sources) alone.push(new RegExp(source, `${flags}g`));
  }
  for (const re of alone) scanners.push({ re, keep: [] });
  return scanners;
}

function combine(sources: readonly string[], flags: string): RegExp | undefined {
  try {
    return new RegExp(sources.map((source) => `(?:${source})`).join('|'), `${flags}g`);
  } catch {
    return undefined;
  }
}

/** Number of capture groups in a pattern: the extra empty alternative always matches, with every group unset. */
function countGroups(source: string, flags: string): number {
  return new RegExp(`${source}|`, flags).exec('')!.length - 1;
}

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(KEY_SEPARATORS, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** A global or sticky RegExp would carry `lastIndex` from one `test` to the next. */
function withoutState(re: RegExp): RegExp {
  return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
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
