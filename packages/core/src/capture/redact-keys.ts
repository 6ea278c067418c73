/**
 * Secret key names: the value stored under a secret-looking key is replaced whole. Names are compared
 * normalised (lower-case, without `-`, `_`, `.` or spaces); see DEFAULT_REDACT_KEYS for the rules.
 */

/**
 * Secret key names, normalised (lower-case, without `-`, `_`, `.` or spaces). A key is secret when:
 * - its normalised form equals an entry (`pass`, `Token`, `API_KEY`);
 * - or, for entries of 6+ characters, ends with one (`client_secret`, `x-api-key`, `set-cookie`,
 *   `db.password`, `http.request.header.authorization`);
 * - or, for a dotted attribute name, its last dot-separated segment equals an entry
 *   (`glassbox.trace.metadata.token`, `user.pass`).
 *
 * Entries under 6 characters (`token`, `auth`, `pass`, `pwd`, `jwt`) match only exactly (whole key or
 * last segment), so token counts such as `max_tokens`, `input_tokens`, `token_count`,
 * `gen_ai.usage.input_tokens` or `llm.token_count.total`, and words such as `passage` or `bypass`, stay
 * visible.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  'token',
  'auth',
  'pass',
  'pwd',
  'jwt',
  'bearer',
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

/** Entries this long or longer also match as a suffix of the normalised key. */
const SUFFIX_MIN_LENGTH = 6;
/** Longer keys are not names: name rules are skipped and user RegExps see only this prefix. */
const MAX_KEY_NAME_LENGTH = 256;
const KEY_SEPARATORS = /[\s_.-]/g;

/** The compiled key rules: default and user names, and user RegExps tested on the raw key. */
export class KeyRules {
  private readonly exact = new Set<string>();
  private readonly suffixes: RegExp | undefined;
  private readonly patterns: RegExp[] = [];

  constructor(keys: readonly (string | RegExp)[]) {
    const suffixes: string[] = [];
    for (const key of [...DEFAULT_REDACT_KEYS, ...keys]) {
      if (key instanceof RegExp) {
        this.patterns.push(withoutState(key));
        continue;
      }
      const name = normalizeKey(key);
      if (name === '' || this.exact.has(name)) continue;
      this.exact.add(name);
      if (name.length >= SUFFIX_MIN_LENGTH) suffixes.push(escapeRegExp(name));
    }
    this.suffixes = suffixes.length > 0 ? new RegExp(`(?:${suffixes.join('|')})$`) : undefined;
  }

  isSecret(key: string): boolean {
    if (typeof key !== 'string') return false;
    if (key.length <= MAX_KEY_NAME_LENGTH && this.nameIsSecret(key)) return true;
    if (this.patterns.length === 0) return false;
    const head = key.length > MAX_KEY_NAME_LENGTH ? key.slice(0, MAX_KEY_NAME_LENGTH) : key;
    return this.patterns.some((re) => re.test(head));
  }

  private nameIsSecret(key: string): boolean {
    const name = normalizeKey(key);
    if (this.exact.has(name) || (this.suffixes?.test(name) ?? false)) return true;
    // OpenTelemetry-style names (`glassbox.trace.metadata.token`): the exact rules apply to the last
    // segment too; the suffix rules already saw it at the end of the whole name.
    const dot = key.lastIndexOf('.');
    if (dot === -1 || dot === key.length - 1) return false;
    return this.exact.has(normalizeKey(key.slice(dot + 1)));
  }
}

export function normalizeKey(key: string): string {
  return key.toLowerCase().replace(KEY_SEPARATORS, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** A global or sticky RegExp would carry `lastIndex` from one `test` to the next. */
function withoutState(re: RegExp): RegExp {
  return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
}
