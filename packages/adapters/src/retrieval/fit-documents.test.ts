import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitDocuments } from './fit-documents.js';

const doc = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 12 }), fc.integer()),
    score: fc.double({ noNaN: true, noDefaultInfinity: true }),
    content: fc.string({ unit: 'grapheme', maxLength: 3000 }),
    metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

describe('fitDocuments', () => {
  it('always yields valid JSON within the limit once the skeleton fits, never dropping a document', () => {
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 20 }), fc.integer({ min: 256, max: 20_000 }), (docs, max) => {
        const { documents, truncated } = fitDocuments(docs, max);
        expect(documents).toHaveLength(docs.length);
        const json = JSON.stringify(documents);
        const skeleton = JSON.stringify(docs.map(({ content: _c, ...rest }) => rest));
        if (skeleton.length + 64 + 13 * docs.length <= max) expect(json.length).toBeLessThanOrEqual(max);
        if (!truncated)
          expect(documents).toEqual(
            docs.map(({ content, ...rest }) => (content === undefined ? rest : { ...rest, content })),
          );
        expect(() => JSON.parse(json)).not.toThrow();
      }),
    );
  });

  it('leaves short documents whole and shares the rest equally among long ones', () => {
    const docs = [{ content: 'tiny' }, { content: 'x'.repeat(10_000) }, { content: 'y'.repeat(10_000) }];
    const { documents } = fitDocuments(docs, 1000);
    expect(documents[0]!.content).toBe('tiny');
    const [a, b] = [documents[1]!.content!, documents[2]!.content!];
    expect(Math.abs(a.length - b.length)).toBeLessThanOrEqual(1);
    expect(a.length).toBeGreaterThan(400);
  });

  it('drops all content when even ids and metadata do not fit, leaving the rest to the serializer', () => {
    const docs = Array.from({ length: 50 }, (_, i) => ({
      id: `doc-${i}`,
      content: 'text',
      metadata: { path: 'p'.repeat(50) },
    }));
    const { documents, truncated } = fitDocuments(docs, 500);
    expect(truncated).toBe(true);
    expect(documents.every((d) => d.content === undefined)).toBe(true);
  });
});
