import { ATTR } from '@glassbox/core';
import { jsonAttr, setupGlassbox } from '@glassbox/test-harness';
import { describe, expect, it } from 'vitest';
import { traceRetriever } from './index.js';

const { span } = setupGlassbox({ captureContent: false });

describe('traceRetriever with content capture off', () => {
  it('keeps the count, ids and scores, and drops the query, content and metadata', async () => {
    const hits = [
      { id: 'a', score: 0.9, text: 'secret a', metadata: { owner: 'x' } },
      { id: 'b', score: 0.5, text: 'secret b' },
    ];
    const search = traceRetriever(async (_q: string) => hits, { dataSource: 'notes' });
    expect(await search('private question')).toBe(hits);
    const s = await span('retrieval notes');
    expect(s.attributes[ATTR.RETRIEVAL_QUERY]).toBeUndefined();
    expect(s.attributes[ATTR.INPUTS]).toBeUndefined();
    expect(s.attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBe(2);
    expect(jsonAttr(s, ATTR.RETRIEVAL_DOCUMENTS)).toEqual([
      { id: 'a', score: 0.9 },
      { id: 'b', score: 0.5 },
    ]);
  });

  it('writes no documents attribute when the hits carry neither ids nor scores', async () => {
    await traceRetriever(async (_q: string) => ['plain text'])('q');
    const s = await span('retrieval');
    expect(s.attributes[ATTR.RETRIEVAL_DOCUMENT_COUNT]).toBe(1);
    expect(s.attributes[ATTR.RETRIEVAL_DOCUMENTS]).toBeUndefined();
  });
});
