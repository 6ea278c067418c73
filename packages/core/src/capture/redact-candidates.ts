/**
 * Where a default pattern can start. Each source finds, with `indexOf` (memchr-fast when the literal's
 * first character is rare) and a few character checks, the next index at which one of its patterns may
 * match; the scan then runs the patterns only there, as a sticky alternation. Clean text costs a few
 * `indexOf`s instead of a regex pass, and the result is the regex pass's: every match starts at a
 * candidate of its pattern's source (tested), and candidates are tried in increasing order.
 */
import {
  AUTH_SCHEME,
  AWS_KEY_ID,
  AWS_SECRET,
  AWS_SECRET_ASSIGNMENT,
  BEARER,
  DEFAULT_REDACT_PATTERNS,
  GITHUB,
  GOOGLE,
  JWT,
  OPENAI,
  PARAM,
  PARAM_NAME_ENDINGS,
  PEM,
  SLACK,
  STRIPE,
  URL_PASSWORD,
} from './redact-patterns.js';

/** Finds candidate starts for some of the default patterns. */
export interface CandidateSource {
  readonly patterns: readonly RegExp[];
  /** The smallest index at or after `from` where one of `patterns` may match, or -1. */
  next(text: string, from: number): number;
}

function at(text: string, i: number, literal: string): boolean {
  return i >= 0 && text.startsWith(literal, i);
}

// Sources are class instances, not object literals with their own closures: the scan's call site then
// sees a handful of `next` methods (a polymorphic inline cache) instead of one closure per source.

/** Hits of `literal`, each accepted or not by `check`; the candidate starts `offset` before the hit. */
class LiteralSource implements CandidateSource {
  constructor(
    readonly patterns: readonly RegExp[],
    private readonly literal: string,
    private readonly offset: number,
    private readonly check?: (text: string, i: number) => boolean,
  ) {}

  next(text: string, from: number): number {
    const { literal, offset, check } = this;
    let i = text.indexOf(literal, from + offset);
    while (i !== -1) {
      if (check === undefined || check(text, i)) return i - offset;
      i = text.indexOf(literal, i + 1);
    }
    return -1;
  }
}

/** Hits of a rare `pivot`, each mapped by `check` to the smallest candidate at or after `from` (or -1). */
class PivotSource implements CandidateSource {
  constructor(
    readonly patterns: readonly RegExp[],
    private readonly pivot: string,
    private readonly check: (text: string, i: number, from: number) => number,
  ) {}

  next(text: string, from: number): number {
    const { pivot, check } = this;
    let i = text.indexOf(pivot, from);
    while (i !== -1) {
      const start = check(text, i, from);
      if (start !== -1) return start;
      i = text.indexOf(pivot, i + 1);
    }
    return -1;
  }
}

/** `gh[pousr]_`, `github_pat_`, `[rs]k_live_`, `[rs]k_test_`, `whsec_`, by their first `_`. */
function underscore(text: string, i: number, from: number): number {
  if (i - 6 >= from && at(text, i - 6, 'github')) return i - 6;
  if (i - 5 >= from && at(text, i - 5, 'whsec')) return i - 5;
  if (i - 3 >= from && at(text, i - 3, 'gh')) return i - 3;
  if (i - 2 >= from && (at(text, i - 1, 'k_live_') || at(text, i - 1, 'k_test_'))) return i - 2;
  return -1;
}

/** `AKIA`/`ASIA`/`ABIA`/`ACCA` key ids and `AIza` keys. */
function upperA(text: string, i: number): number {
  const c1 = text.charCodeAt(i + 1);
  if (c1 === 0x49 /* I */)
    return text.charCodeAt(i + 2) === 0x7a /* z */ && text.charCodeAt(i + 3) === 0x61 ? i : -1;
  return at(text, i + 1, 'KIA') || at(text, i + 1, 'SIA') || at(text, i + 1, 'BIA') || at(text, i + 1, 'CCA')
    ? i
    : -1;
}

/** `Bearer` at `i` is followed by white space and eight token characters (`the bearer of` is not). */
function tokenFollows(text: string, i: number): boolean {
  let j = i + 6;
  if (!isSpace(text.charCodeAt(j))) return false;
  while (isSpace(text.charCodeAt(j))) j++;
  const end = j + 8;
  for (; j < end; j++) if (!isTokenChar(text.charCodeAt(j))) return false;
  return true;
}

/** `\s` of a regex, for the characters that matter here (a candidate check may accept more). */
function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code > 0x1000;
}

/** [A-Za-z0-9._~+/=-] */
function isTokenChar(code: number): boolean {
  return (
    isLetter(code) ||
    (code >= 0x2b && code <= 0x39 && code !== 0x2c) || // + - . / 0-9 (not the comma)
    code === 0x3d ||
    code === 0x5f ||
    code === 0x7e
  );
}

function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

/**
 * An `=` right after a secret parameter name (judged by its last three letters), or after `key`, quotes and
 * spaces (`aws_secret_access_key = ...`); `page=2`, `x = 1` and `a == b` are passed over.
 */
function equals(text: string, i: number): number {
  if (i >= 3 && PARAM_NAME_ENDINGS.has(text.slice(i - 3, i).toLowerCase())) return i;
  let j = i - 1;
  while (j >= 3 && i - j <= 10) {
    const c = text.charCodeAt(j);
    if (c === 0x20 || c === 0x09 || c === 0x22 || c === 0x27) j--;
    else return j < i - 1 && text.slice(j - 2, j + 1).toLowerCase() === 'key' ? i : -1;
  }
  return -1;
}

const B64 = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  B64[c] = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 47 && c <= 57) || c === 43 ? 1 : 0;
}

function isB64(code: number): boolean {
  return code < 128 && B64[code] === 1;
}

const DIGITS = '0123456789';
/**
 * Digits are looked at one by one while they are sparse (a visit costs a few window steps); past this many
 * visits, when they come more often than every DIGIT_GAP characters, the window scan takes over.
 */
const MIN_DIGIT_VISITS = 16;
const DIGIT_GAP = 128;

/**
 * The next occurrence of each digit (-1: none left) in the text of the scan in progress: a scan asks for
 * candidates from 0 first, then from increasing indexes of the same text, so `from === 0` starts anew.
 */
const nextDigit = new Int32Array(10);
let digitVisits = 0;

/**
 * Start of the next run (at or after `from`) of exactly 40 characters of [A-Za-z0-9/+] holding a digit and
 * both cases, or -1. Such a run holds a digit: text with few digits is checked around each of them (ten
 * `indexOf`s prove digit-free text clean), text with many gets the window scan of scanAwsSecretRuns.
 */
export function nextAwsSecretRun(text: string, from: number): number {
  if (from === 0) {
    digitVisits = 0;
    for (let d = 0; d < 10; d++) nextDigit[d] = text.indexOf(DIGITS[d]!, from);
  }
  for (;;) {
    let at = -1;
    for (let d = 0; d < 10; d++) {
      let i = nextDigit[d]!;
      if (i !== -1 && i < from) nextDigit[d] = i = text.indexOf(DIGITS[d]!, from);
      if (i !== -1 && (at === -1 || i < at)) at = i;
    }
    if (at === -1) return -1;
    if (++digitVisits > MIN_DIGIT_VISITS && at < digitVisits * DIGIT_GAP) {
      return scanAwsSecretRuns(text, Math.max(from, at - 39));
    }
    // The run around this digit: a candidate when it is exactly 40 characters long and mixed.
    let start = at;
    while (start > 0 && at - start < 40 && isB64(text.charCodeAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && end - start <= 40 && isB64(text.charCodeAt(end))) end++;
    if (
      start >= from &&
      end - start === 40 &&
      !isB64(text.charCodeAt(end)) &&
      !isB64(text.charCodeAt(start - 1))
    ) {
      if (mixed(text, start)) return start;
    }
    // No run of exactly 40 holds this digit: go on past it (a longer run is skipped in one go).
    while (end < text.length && isB64(text.charCodeAt(end))) end++;
    from = end;
  }
}

/**
 * The window scan: windows are checked from their far end, so prose costs about one read per word (a
 * space within the window moves it past the space) and no character is read twice.
 */
function scanAwsSecretRuns(text: string, from: number): number {
  const n = text.length;
  let p = from;
  let good = -1; // text[p..good] is known to be all [A-Za-z0-9/+]
  while (p + 40 <= n) {
    const end = p + 39;
    const stop = good >= p ? good : p - 1;
    let j = end;
    while (j > stop && isB64(text.charCodeAt(j))) j--;
    if (j > stop) {
      p = j + 1;
      good = end;
      continue;
    }
    // text[p-1] is not in the class (or p is `from`): the run starts at p.
    let e = end + 1;
    while (e < n && isB64(text.charCodeAt(e))) e++;
    if (e - p === 40 && mixed(text, p)) return p;
    p = e + 1;
  }
  return -1;
}

/** The 40 characters at `p` hold a digit, a lower-case and an upper-case letter. */
function mixed(text: string, p: number): boolean {
  let kinds = 0;
  for (let i = p; i < p + 40; i++) {
    const c = text.charCodeAt(i);
    kinds |= c >= 97 ? 1 : c >= 65 ? 2 : c >= 48 ? 4 : 0;
  }
  return kinds === 7;
}

/**
 * Something each default pattern but the bare AWS secret needs, in one class scan: a rare character, or
 * the start of a literal of the pattern (`sk-`, `AKIA`, `earer`, `://` with an `@` after it...).
 */
const SHORT_NEEDS = /sk-|x(?:ox|app-)|-----|[_=JzZ]|:\/\/[^@]*@|A[KSBCI]|earer|EARER/;

// Every default pattern but the bare AWS secret, which the short-text scan checks on its own.
const SHORT_PATTERNS = DEFAULT_REDACT_PATTERNS.filter((pattern) => pattern !== AWS_SECRET);
const SHORT_SCAN = new RegExp(SHORT_PATTERNS.map((p) => `(?:${p.source})`).join('|'), 'g');

/** Proves in one or two class scans that no default pattern matches a short text (false: it may). */
export function shortTextIsClean(text: string): boolean {
  // Under 15 characters only `key=x` and `://u:p@` fit (`Bearer ` plus 8, `xoxb-` plus 10 do not).
  if (text.length < 15) return text.indexOf('=') === -1 && text.indexOf('@') === -1;
  if (SHORT_NEEDS.test(text)) return false;
  return text.length < 40 || scanAwsSecretRuns(text, 0) === -1;
}

/**
 * The candidate sources for short text (the fixed cost of fifteen `indexOf`s is more than a regex pass
 * over a few hundred characters), with the same invariant as CANDIDATE_SOURCES: the first match of the
 * patterns but the bare AWS secret by a regex pass (a match start is a candidate too), and the AWS runs.
 */
export const SHORT_TEXT_SOURCES: readonly CandidateSource[] = Object.freeze([
  {
    patterns: SHORT_PATTERNS,
    next(text: string, from: number) {
      SHORT_SCAN.lastIndex = from;
      const match = SHORT_SCAN.exec(text);
      return match === null ? -1 : match.index;
    },
  },
  { patterns: [AWS_SECRET], next: (text: string, from: number) => scanAwsSecretRuns(text, from) },
]);

/**
 * The candidate sources. Invariant (tested against the plain regex pass): every match of a default
 * pattern starts at an index that a source listing that pattern returns.
 */
export const CANDIDATE_SOURCES: readonly CandidateSource[] = Object.freeze([
  new LiteralSource([OPENAI], 'k-', 1, (t, i) => t.charCodeAt(i - 1) === 0x73 /* s */),
  new LiteralSource([SLACK], 'xox', 0),
  new LiteralSource([SLACK], 'xapp-', 0),
  // Long literals are searched with Boyer-Moore-Horspool, slower here than memchr on a rare first character.
  new LiteralSource([PEM], '-----', 0, (t, i) => at(t, i + 5, 'BEGIN')),
  new LiteralSource([BEARER], 'Bearer', 0, tokenFollows),
  new LiteralSource([BEARER], 'bearer', 0, tokenFollows),
  new LiteralSource([BEARER], 'BEARER', 0, tokenFollows),
  // `authorization` by its rare `z`; the pattern starts at the `u` (the first letter is checked behind).
  new LiteralSource([AUTH_SCHEME], 'zation', 6, (t, i) => at(t, i - 6, 'uthori')),
  new LiteralSource([AUTH_SCHEME], 'ZATION', 6, (t, i) => at(t, i - 6, 'UTHORI')),
  new PivotSource([AWS_KEY_ID, GOOGLE], 'A', upperA),
  new PivotSource([GITHUB, STRIPE], '_', underscore),
  new PivotSource([JWT], 'J', (t, i, from) => (i - 2 >= from && at(t, i - 2, 'ey') ? i - 2 : -1)),
  new PivotSource([URL_PASSWORD], '://', (t, i) => (t.indexOf('@', i) !== -1 ? i : -1)),
  new PivotSource([PARAM, AWS_SECRET_ASSIGNMENT], '=', equals),
  { patterns: [AWS_SECRET], next: nextAwsSecretRun },
]);
