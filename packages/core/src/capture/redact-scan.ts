/**
 * Applies the secret value patterns to a string. The defaults run as one sticky alternation, tried only at
 * the candidate starts that `redact-candidates.ts` finds, in increasing order: the same matches as a
 * regex pass over the whole text (every match starts at a candidate), at the cost of a few `indexOf`s
 * for clean text. The user's patterns then run as regex passes, grouped by flags.
 */
import {
  CANDIDATE_SOURCES,
  type CandidateSource,
  SHORT_TEXT_SOURCES,
  shortTextIsClean,
} from './redact-candidates.js';
import { DEFAULT_REDACT_PATTERNS } from './redact-patterns.js';

/** The text that stands in for every redacted value or substring. */
export const REDACTED = '[REDACTED]';

/** Shortest text any default pattern can match (`key=x`, `sig=x`); shorter strings skip the scan. */
const DEFAULT_MIN_SECRET_LENGTH = 5;
/** Text shorter than this is scanned with SHORT_TEXT_SOURCES. */
const SHORT_TEXT = 200;

interface Scanner {
  readonly re: RegExp;
  /** Capture groups whose text is context to keep in front of REDACTED (the first one that matched). */
  readonly keep: readonly number[];
}

const DEFAULTS: Scanner = (() => {
  const keep: number[] = [];
  let groups = 0;
  for (const pattern of DEFAULT_REDACT_PATTERNS) {
    const count = countGroups(pattern.source, '');
    if (count > 0) keep.push(groups + 1);
    groups += count;
  }
  return {
    re: combine(
      DEFAULT_REDACT_PATTERNS.map((p) => p.source),
      'y',
    )!,
    keep,
  };
})();

/** Each source's next candidate during one scan (the scan is synchronous, so one buffer serves all). */
const nextCandidate = new Int32Array(Math.max(CANDIDATE_SOURCES.length, SHORT_TEXT_SOURCES.length));

/** The default patterns applied to `text`; `text` itself when nothing matched. */
export function redactDefaults(
  text: string,
  sources: readonly CandidateSource[] = text.length < SHORT_TEXT ? SHORT_TEXT_SOURCES : CANDIDATE_SOURCES,
): string {
  const count = sources.length;
  let p = -1;
  for (let s = 0; s < count; s++) {
    const at = sources[s]!.next(text, 0);
    nextCandidate[s] = at;
    if (at !== -1 && (p === -1 || at < p)) p = at;
  }
  if (p === -1) return text;
  const { re, keep } = DEFAULTS;
  let out = '';
  let last = 0;
  while (p !== -1) {
    re.lastIndex = p;
    const match = re.exec(text);
    let resume = p + 1;
    if (match !== null && match[0].length > 0) {
      out += text.slice(last, p) + keptContext(match, keep) + REDACTED;
      last = resume = p + match[0].length;
    }
    p = -1;
    for (let s = 0; s < count; s++) {
      let at = nextCandidate[s]!;
      if (at !== -1 && at < resume) nextCandidate[s] = at = sources[s]!.next(text, resume);
      if (at !== -1 && (p === -1 || at < p)) p = at;
    }
  }
  return last === 0 ? text : out + text.slice(last);
}

/** The compiled value patterns of one redactor: the defaults, then the user's. */
export class TextRules {
  /** User patterns grouped by flags (one pass per group); those with back-references alone. */
  private readonly user: readonly Scanner[];
  readonly minLength: number;

  constructor(patterns: readonly RegExp[]) {
    const byFlags = new Map<string, string[]>();
    const alone: RegExp[] = [];
    for (const pattern of patterns) {
      const flags = pattern.flags.replace(/[gyd]/g, '');
      if (/\\[1-9]|\\k</.test(pattern.source)) alone.push(new RegExp(pattern.source, `${flags}g`));
      else byFlags.set(flags, [...(byFlags.get(flags) ?? []), pattern.source]);
    }
    const user: Scanner[] = [];
    for (const [flags, sources] of byFlags) {
      const re = combine(sources, `${flags}g`);
      // Sources that cannot share an alternation (duplicate group names) run one by one.
      if (re !== undefined) user.push({ re, keep: [] });
      else for (const source of sources) alone.push(new RegExp(source, `${flags}g`));
    }
    for (const re of alone) user.push({ re, keep: [] });
    this.user = user;
    this.minLength = patterns.length > 0 ? 1 : DEFAULT_MIN_SECRET_LENGTH;
  }

  /** `text` with every match of every pattern replaced by REDACTED: the defaults first, then the user's. */
  redact(text: string): string {
    if (text.length < this.minLength) return text;
    let result = text;
    if (text.length >= SHORT_TEXT) result = redactDefaults(text, CANDIDATE_SOURCES);
    else if (text.length >= DEFAULT_MIN_SECRET_LENGTH && !shortTextIsClean(text)) {
      result = redactDefaults(text, SHORT_TEXT_SOURCES);
    }
    for (const scanner of this.user) result = applyScanner(scanner, result);
    return result;
  }
}

function keptContext(match: RegExpExecArray, keep: readonly number[]): string {
  for (const group of keep) {
    const kept = match[group];
    if (kept !== undefined) return kept;
  }
  return '';
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
    out += text.slice(last, start) + keptContext(match, keep) + REDACTED;
    last = end;
  } while ((match = re.exec(text)) !== null);
  return out + text.slice(last);
}

function combine(sources: readonly string[], flags: string): RegExp | undefined {
  try {
    return new RegExp(sources.map((source) => `(?:${source})`).join('|'), flags);
  } catch {
    return undefined;
  }
}

/** Number of capture groups in a pattern (the extra empty alternative matches with every group unset). */
function countGroups(source: string, flags: string): number {
  return new RegExp(`${source}|`, flags).exec('')!.length - 1;
}
