/** A retrieved document in Glassbox's one shape, whatever the retriever returned. */
export interface RetrievedDocument {
  id?: string | number;
  /** Higher is more relevant (`score`, `similarity`, `relevance_score`, `_score`). */
  score?: number;
  /** Lower is closer; kept apart from `score` because its scale depends on the metric. */
  distance?: number;
  content?: string;
  metadata?: Record<string, unknown>;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const idOf = (v: unknown): string | number | undefined =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) ? v : undefined;

// Where the common vector stores and frameworks put each part of a hit, in order of preference.
const CONTENT_KEYS = ['pageContent', 'page_content', 'text', 'content', 'document', 'chunk', 'body'];
const SCORE_KEYS = ['score', 'similarity', 'relevance_score', 'relevanceScore', '_score'];
const DISTANCE_KEYS = ['distance', '_distance'];
const ID_KEYS = ['id', '_id'];
// Containers of a result object that hold the hits (Pinecone `matches`, Elasticsearch `hits.hits`, ...).
const LIST_KEYS = ['documents', 'docs', 'results', 'matches', 'hits', 'points', 'data'];

/** The list of hits in a retriever's result: the result itself if it is an array, else a known list field. */
export function documentList(result: unknown): readonly unknown[] | undefined {
  if (Array.isArray(result)) return result;
  if (!isObj(result)) return undefined;
  for (const key of LIST_KEYS) {
    const value = result[key];
    if (Array.isArray(value)) return value;
    if (key === 'hits' && isObj(value) && Array.isArray(value.hits)) return value.hits;
  }
  return undefined;
}

/**
 * Normalises one hit: a string, a `[document, score]` tuple, a LangChain `Document` (`pageContent`,
 * `metadata`), an object with `text`/`content`/`document`, ids from `id`/`_id`/`metadata.id`, scores from
 * `score`/`similarity`/`relevance_score`/`_score`, distances from `distance`, and Qdrant `payload` or
 * Elasticsearch `_source` as metadata.
 */
export function normalizeDocument(hit: unknown): RetrievedDocument {
  if (typeof hit === 'string') return { content: hit };
  if (Array.isArray(hit)) {
    // LangChain `similaritySearchWithScore` and friends: [document, score].
    const [doc, score] = hit;
    const normalized = normalizeDocument(doc);
    return num(score) === undefined ? normalized : { ...normalized, score: score as number };
  }
  if (!isObj(hit)) return {};
  // A wrapper around a document object (rerankers: `{ index, relevance_score, document: { text } }`).
  const inner = isObj(hit.document) ? normalizeDocument(hit.document) : {};
  const holder = isObj(hit.metadata)
    ? hit.metadata
    : isObj(hit.payload)
      ? hit.payload
      : isObj(hit._source)
        ? hit._source
        : undefined;
  const doc: RetrievedDocument = { ...inner };

  const id = firstOf(hit, ID_KEYS, idOf) ?? (holder ? firstOf(holder, ID_KEYS, idOf) : undefined);
  if (id !== undefined) doc.id = id;
  const score = firstOf(hit, SCORE_KEYS, num);
  if (score !== undefined) doc.score = score;
  const distance = firstOf(hit, DISTANCE_KEYS, num);
  if (distance !== undefined) doc.distance = distance;

  const contentKey = CONTENT_KEYS.find((key) => typeof hit[key] === 'string');
  let holderContentKey: string | undefined;
  if (contentKey !== undefined) doc.content = hit[contentKey] as string;
  else if (holder !== undefined && holder !== hit.metadata) {
    // Stores without a document field keep the text inside the payload.
    holderContentKey = CONTENT_KEYS.find((key) => typeof holder[key] === 'string');
    if (holderContentKey !== undefined) doc.content = holder[holderContentKey] as string;
  }
  if (holder !== undefined) {
    const metadata = { ...holder };
    if (holderContentKey !== undefined) delete metadata[holderContentKey];
    if (Object.keys(metadata).length > 0) doc.metadata = { ...(inner.metadata ?? {}), ...metadata };
  }
  return doc;
}

function firstOf<T>(obj: Obj, keys: readonly string[], read: (v: unknown) => T | undefined): T | undefined {
  for (const key of keys) {
    const value = read(obj[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}
