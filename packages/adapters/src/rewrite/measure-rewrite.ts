import { type Rule, rules } from '@glassbox/core/instrumentation';
import { assertOptions } from '../internal/options.js';
import { round3, setCosine, trigrams } from '../internal/text/similarity.js';

/** Why a rewrite looks suspicious. */
export type RewriteFlagReason = 'length_ratio' | 'low_similarity' | 'unneeded_rewrite';

/** One reason a rewrite was flagged, with the measured value and the threshold it crossed. */
export interface RewriteFlagDetail {
  reason: RewriteFlagReason;
  /** The length ratio or similarity measured; absent for `unneeded_rewrite`. */
  value?: number;
  /** `maxLengthRatio` or `minSimilarity`; absent for `unneeded_rewrite`. */
  threshold?: number;
}

/** The measures of one rewrite. */
export interface RewriteMeasures {
  /** False when the rewrite only changed whitespace. */
  changed: boolean;
  /** Character-trigram cosine similarity of the two queries, in 0..1 (1 for identical text). */
  similarity: number;
  /** Rewritten length / original length, in characters, after trimming. */
  lengthRatio: number;
  /** Empty when nothing looks suspicious. */
  flags: RewriteFlagDetail[];
}

/** The thresholds a rewrite is checked against. */
export interface RewriteThresholds {
  /** Flag a rewrite longer than this many times the original; default 2. */
  maxLengthRatio?: number;
  /** Flag a rewrite less similar than this to the original; default 0.3. */
  minSimilarity?: number;
  /** Says whether a query needed rewriting at all; a changed query it says `false` for is flagged. */
  needsRewrite?: (query: string) => boolean;
}

export const DEFAULT_MAX_LENGTH_RATIO = 2;
export const DEFAULT_MIN_SIMILARITY = 0.3;

/** The rules of the thresholds, which `traceRewrite` takes too. */
export const THRESHOLD_RULES = {
  maxLengthRatio: rules.custom('a number > 0', (v) => typeof v === 'number' && v > 0),
  minSimilarity: rules.number(0, 1),
  needsRewrite: rules.func(),
} satisfies Record<keyof RewriteThresholds, Rule>;

const THRESHOLDS = rules.object(THRESHOLD_RULES);

/**
 * Measures a rewrite: whether it changed, how similar it stayed (cosine of the sets of character
 * trigrams, tolerant of typos, inflections and word order; linear in the first 8,192 characters) and how
 * much it grew; flags a changed query that grew past `maxLengthRatio`, drifted below `minSimilarity`, or
 * that `needsRewrite` says needed no rewrite.
 */
export function measureRewrite(
  original: string,
  rewritten: string,
  thresholds: RewriteThresholds = {},
): RewriteMeasures {
  assertOptions(thresholds, THRESHOLDS, 'measureRewrite');
  return measure(original, rewritten, thresholds);
}

/** `measureRewrite` with thresholds already checked (by `traceRewrite`). */
export function measure(original: string, rewritten: string, thresholds: RewriteThresholds): RewriteMeasures {
  const before = squash(original);
  const after = squash(rewritten);
  const changed = before !== after;
  const similarity = changed ? round3(setCosine(trigrams(before), trigrams(after))) : 1;
  const lengthRatio =
    before.length === 0 ? (after.length === 0 ? 1 : after.length) : round3(after.length / before.length);
  const flags: RewriteFlagDetail[] = [];
  if (!changed) return { changed, similarity, lengthRatio, flags };

  const maxLengthRatio = thresholds.maxLengthRatio ?? DEFAULT_MAX_LENGTH_RATIO;
  const minSimilarity = thresholds.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
  if (lengthRatio > maxLengthRatio)
    flags.push({ reason: 'length_ratio', value: lengthRatio, threshold: maxLengthRatio });
  if (similarity < minSimilarity)
    flags.push({ reason: 'low_similarity', value: similarity, threshold: minSimilarity });
  if (thresholds.needsRewrite && thresholds.needsRewrite(original) === false)
    flags.push({ reason: 'unneeded_rewrite' });
  return { changed, similarity, lengthRatio, flags };
}

// Whitespace-only edits (a trailing newline from the LLM) are not rewrites.
function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
