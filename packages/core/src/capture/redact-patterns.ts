/**
 * The default secret value patterns (`redact-candidates.ts` finds where they can start).
 *
 * Every pattern runs in linear time: quantifiers followed by a requirement are bounded, and unbounded
 * ones end the match. Every pattern matches within REDACT_LOOKAHEAD (512) characters of a secret's
 * start (the serializer redacts the kept prefix plus that many characters before it cuts a string).
 */

/** Case-insensitive source for a word (`api` → `[Aa][Pp][Ii]`): the defaults share one flag-less regex. */
function ci(word: string): string {
  return word.replace(/[a-z]/gi, (c) => `[${c.toUpperCase()}${c.toLowerCase()}]`);
}

/** Words of a name with an optional separator between them: `api key` → api, apiKey, API_KEY, api-key... */
function name(words: string): string {
  return words.split(' ').map(ci).join('[_.-]?');
}

/** A lower-case or capitalised one-word token ending at a space or the end: `Bearer authentication`. */
const PLAIN_WORD = String.raw`[A-Z]?[a-z]{1,16}[.,;:!?)"']{0,3}(?:\s|$)`;

/**
 * Parameter names secret with any prefix (`client_secret`): DEFAULT_REDACT_KEYS' suffix entries, and
 * `signature` (`X-Amz-Signature`).
 */
const PARAM_SUFFIX_NAMES = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'bearer',
  'api key',
  'access key',
  'private key',
  'secret key',
  'signing key',
  'encryption key',
  'master key',
  'access token',
  'refresh token',
  'id token',
  'auth token',
  'session token',
  'bearer token',
  'api token',
  'csrf token',
  'xsrf token',
  'security token',
  'sas token',
  'authorization',
  'cookie',
  'credential',
  'credentials',
  'connection string',
  'signature',
];

/** Parameter names that are secret only as they are: `key` (Google's `?key=`), `sig` (Azure SAS). */
const PARAM_EXACT_NAMES = ['token', 'auth', 'pass', 'pwd', 'jwt', 'key', 'sig'];

/** The last three letters of every secret parameter name, lower-case: a cheap test before the lookbehind. */
export const PARAM_NAME_ENDINGS: ReadonlySet<string> = new Set(
  [...PARAM_SUFFIX_NAMES, ...PARAM_EXACT_NAMES].map((words) => words.slice(-3)),
);

// Patterns start with a literal or a small class where they can: a leading lookaround or `\b` is tested at
// every position of the scan, a literal lets the engine skip ahead. Lookbehinds therefore follow the literal.
const OPENAI = /sk-(?:(?<!\wsk-)|(?=(?:proj|ant|svcacct|admin)-))[A-Za-z0-9_-]{20,}/;
const BEARER = new RegExp(
  String.raw`((?:[Bb]earer|BEARER)(?<!\w(?:[Bb]earer|BEARER))\s+)(?!${PLAIN_WORD})[A-Za-z0-9._~+/=-]{8,}`,
);
const AUTH_SCHEME = new RegExp(
  String.raw`((?:uthorization|UTHORIZATION)(?<=[Aa]uthorization|AUTHORIZATION)["']?\s{0,8}[:=]\s{0,8}["']?` +
    String.raw`(?:[Bb]asic|BASIC|[Tt]oken|TOKEN|[Nn]egotiate|NEGOTIATE|NTLM|[Nn]tlm)\s{1,8})` +
    `(?!${PLAIN_WORD})[A-Za-z0-9._~+/=-]{4,}`,
);
// Not glued after an upper-case letter or a digit (`ASIAPACIFIC...`): the lookbehind follows the literal.
const AWS_KEY_ID = /(?:AKIA|ASIA|ABIA|ACCA)(?<![0-9A-Z][A-Z]{4})[0-9A-Z]{16}(?![0-9A-Z])/;
const GITHUB = /gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,}/;
const JWT = /eyJ[A-Za-z0-9_-]{8,480}\.eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)?/;
const SLACK = /xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,}/;
const GOOGLE = /AIza[0-9A-Za-z_-]{35}/;
const STRIPE = /[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,}/;
// Ends at the end of the text when the END line is missing, so a key cut by truncation is still caught.
const PEM =
  /-----BEGIN[A-Z ]{0,40}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[A-Z ]{0,40}PRIVATE KEY(?: BLOCK)?-----|$)/;
// `scheme://user:password@`; the user may be empty (`redis://:pw@host`), the password may hold `/`, but
// a port followed by a path (`https://host:443/@alice`) is not a password.
const URL_PASSWORD = /(:\/\/[^\s/:@?#]{0,128}:)(?!\d{1,5}[/?#])[^\s@"'<>]{1,256}(?=@)/;
// `?api_key=`, `&Token=`, `#access_token=`, a bare query (`apiKey=abc&x=1`), logfmt (`level=info pwd=x`).
// The name is a lookbehind, so the match starts at the `=`: the scan only stops at `=` signs.
const PARAM = new RegExp(
  String.raw`(=(?<=(?:^|[?&#;,\s])(?:[A-Za-z0-9_.-]{0,64}(?:${PARAM_SUFFIX_NAMES.map(name).join('|')})|` +
    String.raw`${PARAM_EXACT_NAMES.map(ci).join('|')})=))(?!=)[^&#\s"'<>]+`,
);
// `AWS_SECRET_ACCESS_KEY=...`, `aws_secret_access_key = ...` (credentials files), quoted or not.
const AWS_SECRET_ASSIGNMENT = new RegExp(
  String.raw`(=(?<=${name('secret access key')}["']?\s{0,8}=)\s{0,8}["']?)[A-Za-z0-9/+]{8,}`,
);
// A bare AWS secret access key: exactly 40 characters of [A-Za-z0-9/+] with a digit, a lower-case and an
// upper-case letter, not inside a longer run (base64 blobs), nor next to `_`, `-` or `=` padding.
const AWS_SECRET = new RegExp(
  '[A-Za-z0-9/+](?<![A-Za-z0-9/+_-].)[A-Za-z0-9/+]{39}(?![A-Za-z0-9/+=_-])' +
    '(?<=[0-9][A-Za-z0-9/+]{0,39})(?<=[a-z][A-Za-z0-9/+]{0,39})(?<=[A-Z][A-Za-z0-9/+]{0,39})',
);

export {
  AUTH_SCHEME,
  AWS_KEY_ID,
  AWS_SECRET,
  AWS_SECRET_ASSIGNMENT,
  BEARER,
  GITHUB,
  GOOGLE,
  JWT,
  OPENAI,
  PARAM,
  PEM,
  SLACK,
  STRIPE,
  URL_PASSWORD,
};

/**
 * Secret value patterns; a pattern's first capture group is context that is kept (`Bearer `, the `=` of
 * `?token=`), the rest of the match is replaced. Formats with an unambiguous prefix are found even glued to
 * a word (`xsk-proj-...`, `tokenghp_...`, `idAKIA...`); the generic `sk-` needs a word boundary.
 */
export const DEFAULT_REDACT_PATTERNS: readonly RegExp[] = Object.freeze([
  OPENAI,
  BEARER,
  AUTH_SCHEME,
  AWS_KEY_ID,
  GITHUB,
  JWT,
  SLACK,
  GOOGLE,
  STRIPE,
  PEM,
  URL_PASSWORD,
  PARAM,
  AWS_SECRET_ASSIGNMENT,
  AWS_SECRET,
]);
