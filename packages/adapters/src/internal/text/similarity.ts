// Cheap, deterministic text similarity measures shared by the step adapters. Each runs in time linear in
// its (capped) input, so measuring a 100 KB query never costs more than measuring its first few KB.

/** Characters of each side that the similarity measures look at; the rest is ignored to bound the cost. */
export const MAX_SIMILARITY_CHARS = 8192;

const STOPWORDS = new Set(
  (
    'a an and are as at be by for from has have in into is it its of on or that the this to was were will with ' +
    'which when where who what how can may should use used using given returns return your you'
  ).split(' '),
);

/** Lower-cases, splits camelCase and snake/kebab case, and turns everything but letters and digits into single spaces. */
export function normalizeText(text: string, maxChars = MAX_SIMILARITY_CHARS): string {
  const head = text.length > maxChars ? text.slice(0, maxChars) : text;
  return head
    .replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1 $2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The distinct content words of a text: normalised, stopwords dropped, a plural `s` removed. */
export function contentWords(text: string): Set<string> {
  const words = new Set<string>();
  for (const word of normalizeText(text).split(' ')) {
    if (word.length === 0 || STOPWORDS.has(word)) continue;
    words.add(word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word);
  }
  return words;
}

/** The distinct character trigrams of a normalised text, each word padded with a space on both sides. */
export function trigrams(text: string): Set<string> {
  const grams = new Set<string>();
  const padded = ` ${normalizeText(text)} `;
  for (let i = 0; i + 3 <= padded.length; i++) grams.add(padded.slice(i, i + 3));
  return grams;
}

/** Jaccard index |A∩B| / |A∪B| of two sets, 1 when both are empty. */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const shared = intersectionSize(a, b);
  return shared / (a.size + b.size - shared);
}

/** Set cosine (Otsuka-Ochiai) |A∩B| / √(|A|·|B|) of two sets, 1 when both are empty, 0 when one is. */
export function setCosine<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  if (a.size === 0 || b.size === 0) return 0;
  return intersectionSize(a, b) / Math.sqrt(a.size * b.size);
}

/** 1 − Levenshtein distance / length of the longer string, on normalised text (capped at `maxChars`). */
export function levenshteinSimilarity(a: string, b: string, maxChars = 256): number {
  const x = normalizeText(a, maxChars);
  const y = normalizeText(b, maxChars);
  const longest = Math.max(x.length, y.length);
  if (longest === 0) return 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return 1 - previous[y.length]! / longest;
}

/** Rounds a measure to 3 decimals, so attributes and reports read cleanly. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function intersectionSize<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const item of small) if (large.has(item)) shared++;
  return shared;
}
