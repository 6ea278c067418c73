import type { RetrievedDocument } from './normalize-documents.js';

/** Appended to a cut document's content. */
export const CUT_MARKER = '…';

// Room left for the core serializer's own redaction of keys, which may lengthen a value slightly.
const SLACK = 64;
// `,"content":""` around each content string.
const CONTENT_FIELD_CHARS = 13;

/**
 * Cuts documents' content so that the JSON of the whole list fits `maxLength`: short documents stay whole
 * and the long ones share what is left equally (water-filling), so one huge document cannot push the
 * others out. Ids, scores and metadata are kept; `redact` runs before cutting, so a secret is never left
 * half-cut where its pattern no longer matches.
 */
export function fitDocuments(
  documents: readonly RetrievedDocument[],
  maxLength: number,
  redact: (text: string) => string = (text) => text,
): { documents: RetrievedDocument[]; truncated: boolean } {
  const contents = documents.map((d) => (d.content === undefined ? undefined : redact(d.content)));
  const skeleton = documents.map(({ content: _content, ...rest }) => rest);
  const withContent = contents.filter((c) => c !== undefined).length;
  const available = maxLength - SLACK - JSON.stringify(skeleton).length - CONTENT_FIELD_CHARS * withContent;
  const lengths = contents.map((c) => (c === undefined ? 0 : escapedLength(c)));
  const total = lengths.reduce((sum, n) => sum + n, 0);
  const rebuild = (cut: (string | undefined)[]) =>
    skeleton.map((rest, i) => (cut[i] === undefined ? rest : { ...rest, content: cut[i] }));

  if (total <= available) return { documents: rebuild(contents), truncated: false };
  if (available <= 0) return { documents: skeleton, truncated: true };

  const allowance = waterFill(lengths, available);
  const cut = contents.map((c, i) =>
    c === undefined || lengths[i]! <= allowance[i]! ? c : cutTo(c, allowance[i]!),
  );
  return { documents: rebuild(cut), truncated: true };
}

/** Shares `budget` among items of the given sizes: small items get all they need, the rest split equally. */
function waterFill(sizes: readonly number[], budget: number): number[] {
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[a]! - sizes[b]!);
  const allowance = new Array<number>(sizes.length).fill(0);
  let remaining = budget;
  order.forEach((index, k) => {
    const share = Math.floor(remaining / (order.length - k));
    allowance[index] = Math.min(sizes[index]!, share);
    remaining -= allowance[index]!;
  });
  return allowance;
}

/** The longest prefix of `text` whose JSON-escaped form plus the cut marker fits `allowance` characters. */
function cutTo(text: string, allowance: number): string {
  if (allowance <= CUT_MARKER.length) return '';
  let low = 0;
  let high = Math.min(text.length, allowance);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (escapedLength(text.slice(0, mid)) + CUT_MARKER.length <= allowance) low = mid;
    else high = mid - 1;
  }
  let end = low;
  // Never leave half of a surrogate pair: it would serialise as an invalid escape.
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + CUT_MARKER;
}

function escapedLength(text: string): number {
  return JSON.stringify(text).length - 2;
}
