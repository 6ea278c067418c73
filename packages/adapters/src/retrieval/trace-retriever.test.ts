import { ATTR, SpanType, trace } from '@glassbox/core';
import { jsonAttr, parentId, setupGlassbox } from '@glassbox/test-harness';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeDocument, traceRetriever } from './index.js';

const MAX = 2048;
const { exporter, span } = setupGlassbox({ maxValueLength: MAX });
afterEach(() => exporter.reset());

// A LangChain `Document` as `similaritySearch` returns it.
const lcDoc = (id: string, text: string) => ({ pageContent: text, metadata: { id, source: `kb/${id}.md` } });

describe('traceRetriever', () => {
  it('records a RETRIEVER span under the active span, with query, count and normalised documents', async () => {
    const docs = [lcDoc('d1', 'Orders ship in 2 days.'), lcDoc('d2', 'Returns within 30 days.')];
    const search = traceRetriever(async (query: string, _k: number) => (query ? docs : []), {
      dataSource: 'kb-articles',
    });
    const answer = trace(async (q: string) => search(q, 2), { name: 'answer', type: SpanType.CHAIN });

    expect(await answer('how fast do orders ship?')).toBe(docs);
    const s = await span('retrieval kb-articles');
    expect(parentId(s)).toBe((await span('answer')).spanContext().spanId);
    expect(s.ended).toBe(true);
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
    expect(s.attributes).toMatchObject({
      [ATTR.SPAN_TYPE]: 'RETRIEVER',
      [ATTR.GEN_AI_OPERATION_NAME]: 'retrieval',
      [ATTR.GEN_AI_DATA_SOURCE_ID]: 'kb-articles',
      [ATTR.RETRIEVAL_QUERY]: 'how fast do orders ship?',
      [ATTR.RETRIEVAL_DOCUMENT_COUNT]: 2,
    });
    expect(jsonAttr(s, ATTR.RETRIEVAL_DOCUMENTS)).toEqual([
      { id: 'd1', content: 'Orders ship in 2 days.', metadata: { id: 'd1', source: 'kb/d1.md' } },
      { id: 'd2', content: 'Returns within 30 days.', metadata: { id: 'd2', source: 'kb/d2.md' } },
    ]);
    expect(jsonAttr(s, ATTR.INPUTS)).toEqual(['how fast do orders ship?', 2]);
    expect(s.attributes[ATTR.OUTPUTS]).toBeUndefined();
  });

  it('keeps a sync retriever sync and reads hits from a result object (Pinecone matches)', async () => {
    const result = { matches: [{ id: 'v1', score: 0.91, metadata: { text: 'alpha' } }], namespace: 'ns' };
    const query = traceRetriever(function pinecone(_req: { query: string; topK: number }) {
      return result;
    });
    expect(query({ query: 'alpha?', topK: 1 })).toBe(result);
    expect(query.name).toBe('pinecone');
    const s = await span('retrieval');
    expect(s.attributes[ATTR.RETRIEVAL_QUERY]).toBe('alpha?');
    expect(jsonAttr(s, ATTR.RETRIEVAL_DOCUMENTS)).toEqual([
      { id: 'v1', score: 0.91, metadata: { text: 'alpha' } },
    ]);
  });

  it('uses the query and documents options for other shapes', async () => {
    const chroma = { ids: [['a', 'b']], documents: [['first', 'second']], distances: [[0.1, 0.4]] };
    const retrieve = traceRetriever(async (_embedding: number[], _text: string) => chroma, {
      dataSource: 'chroma',
      query: (_embedding, text) => text,
      documents: (r) =>
        r.ids[0]!.map((id, i) => ({ id, content: r.documents[0]![i], distance: r.distances[0]![i] })),
    });
    await retrieve([0.1, 0.2], 'find it');
    const s = await span('retrieval chroma');
    expect(s.attributes[ATTR.RETRIEVAL_QUERY]).toBe('find it');
    expect(jsonAttr(s, ATTR.RETRIEVAL_DOCUMENTS)).toEqual([
      { id: 'a', distance: 0.1, content: 'first' },
      { id: 'b', distance: 0.4, content: 'second' },
    ]);
  });

  it('bounds the documents JSON: valid, within maxValueLength, every document keeps a fair share', async () => {
    const docs = [
      lcDoc('short', 'Short and whole.'),
      lcDoc('long1', 'a'.repeat(5000)),
      lcDoc('long2', `"quoted"\n${'b'.repeat(5000)}`),
      lcDoc('long3', '😀'.repeat(3000)),
    ];
    await traceRetriever(async (_q: string) => docs)('q');
    const s = await span('retrieval');
    const json = s.attributes[ATTR.RETRIEVAL_DOCUMENTS] as string;
    expect(json.length).toBeLessThanOrEqual(MAX);
    const parsed = JSON.parse(json) as { id: string; content: string }[];
    expect(parsed.map((d) => d.id)).toEqual(['short', 'long1', 'long2', 'long3']);
    expect(parsed[0]!.content).toBe('Short and whole.');
    for (const d of parsed.slice(1)) {
      expect(d.content.length).toBeGreaterThan(300);
      expect(d.content.endsWith('…')).toBe(true);
    }
    expect(parsed[3]!.content).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    expect(s.attributes[ATTR.TRUNCATED]).toBe(true);
    expect(s.attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBe(4);
  });

  it('redacts secrets in document content before cutting it', async () => {
    const key = `sk-proj-${'A1b2C3d4'.repeat(6)}`;
    await traceRetriever(async (_q: string) => [`config: api key ${key} ${'x'.repeat(4000)}`])('q');
    const docs = jsonAttr(await span('retrieval'), ATTR.RETRIEVAL_DOCUMENTS) as { content: string }[];
    expect(docs[0]!.content).toContain('[REDACTED]');
    expect(docs[0]!.content).not.toContain('A1b2C3d4');
  });

  it('keeps ids and scores but no content, metadata or query when the retriever opts out of capture', async () => {
    const search = traceRetriever(async (_q: string) => [[lcDoc('d1', 'private'), 0.8] as const], {
      captureContent: false,
    });
    await search('my medical question');
    const s = await span('retrieval');
    expect(s.attributes[ATTR.RETRIEVAL_QUERY]).toBeUndefined();
    expect(s.attributes[ATTR.INPUTS]).toBeUndefined();
    expect(s.attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBe(1);
    expect(jsonAttr(s, ATTR.RETRIEVAL_DOCUMENTS)).toEqual([{ id: 'd1', score: 0.8 }]);
  });

  it('returns the very promise the retriever returns (a subclass keeps its own methods)', async () => {
    class SearchPromise<T> extends Promise<T> {
      withTiming(): string {
        return 'timing';
      }
    }
    const returned = new SearchPromise<object[]>((resolve) =>
      resolve([lcDoc('d1', 'Orders ship in 2 days.')]),
    );
    const result = traceRetriever((_q: string) => returned)('orders');
    expect(result).toBe(returned);
    expect(result.withTiming()).toBe('timing');
    await result;
    expect((await span('retrieval')).attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBe(1);
  });

  it('rethrows the same error with an ERROR span and no documents', async () => {
    const down = new Error('vector store down');
    await expect(traceRetriever(async (_q: string) => Promise.reject(down))('q')).rejects.toBe(down);
    const s = await span('retrieval');
    expect(s.status.code).toBe(SpanStatusCode.ERROR);
    expect(s.attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBeUndefined();
  });

  it('records the count only when the result has no recognisable list', async () => {
    await traceRetriever(async (_q: string) => ({ weird: true }))('q');
    const s = await span('retrieval');
    expect(s.attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBeUndefined();
    expect(s.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('refuses bad options, naming them', () => {
    expect(() => traceRetriever(async () => [], { dataSource: '' })).toThrow(/traceRetriever\.dataSource/);
    expect(() => traceRetriever(async () => [], { dataSorce: 'x' } as any)).toThrow(/unknown option/);
  });
});

describe('normalizeDocument', () => {
  it.each([
    ['a plain string', 'hello', { content: 'hello' }],
    [
      'a LangChain document with score tuple',
      [{ pageContent: 'p', metadata: { id: 7 } }, 0.5],
      { id: 7, score: 0.5, content: 'p', metadata: { id: 7 } },
    ],
    [
      'text + _id + similarity',
      { _id: 'x', text: 't', similarity: 0.7 },
      { id: 'x', score: 0.7, content: 't' },
    ],
    ['content + distance', { id: 1, content: 'c', distance: 0.2 }, { id: 1, distance: 0.2, content: 'c' }],
    [
      'a string document field',
      { id: 'd', document: 'body text', score: 1 },
      { id: 'd', score: 1, content: 'body text' },
    ],
    [
      'a reranker result wrapping a document',
      { index: 3, relevance_score: 0.93, document: { text: 'ranked', id: 'r1' } },
      { id: 'r1', score: 0.93, content: 'ranked' },
    ],
    [
      'a Qdrant point with payload',
      { id: 'q1', score: 0.8, payload: { page_content: 'from payload', lang: 'en' } },
      { id: 'q1', score: 0.8, content: 'from payload', metadata: { lang: 'en' } },
    ],
    [
      'an Elasticsearch hit',
      { _id: 'e1', _score: 3.2, _source: { body: 'es text', tag: 't' } },
      { id: 'e1', score: 3.2, content: 'es text', metadata: { tag: 't' } },
    ],
    [
      'metadata.id',
      { text: 'm', metadata: { id: 'meta-1' } },
      { id: 'meta-1', content: 'm', metadata: { id: 'meta-1' } },
    ],
    ['something else', 42, {}],
  ])('normalises %s', (_label, hit, expected) => {
    expect(normalizeDocument(hit)).toEqual(expected);
  });
});
