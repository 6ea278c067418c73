/// <reference lib="dom" />
// Retrieval spans: the query and the documents found, best first as the retriever returned them.
import type { Attrs } from '../../store/span-record.js';
import { h } from '../dom.js';
import { jsonAttr, str } from '../format.js';
import { facts, section, valueView } from '../value-view.js';
import type { SpanRenderer } from './renderer.js';

type Obj = Record<string, unknown>;

/** Documents from `glassbox.retrieval.documents`, or OpenInference's `retrieval.documents.N.document.*`. */
function documentsOf(attrs: Attrs): Obj[] {
  const own = jsonAttr(attrs, 'glassbox.retrieval.documents');
  if (own !== undefined) {
    if (!Array.isArray(own)) throw new Error('glassbox.retrieval.documents is not a JSON array');
    return own.map((d) => (typeof d === 'object' && d !== null ? (d as Obj) : { content: d }));
  }
  const byIndex = new Map<number, Obj>();
  for (const [key, value] of Object.entries(attrs)) {
    const m = /^retrieval\.documents\.(\d+)\.document\.(.+)$/.exec(key);
    if (!m) continue;
    const doc = byIndex.get(Number(m[1])) ?? {};
    doc[m[2]!] = value;
    byIndex.set(Number(m[1]), doc);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, d]) => d);
}

function scoreText(doc: Obj): string | undefined {
  const score = doc.score;
  if (typeof score === 'number') return score.toFixed(3);
  if (typeof doc.distance === 'number') return `distance ${doc.distance.toFixed(3)}`;
  return score === undefined ? undefined : String(score);
}

/** Retrieval spans. */
export const retrievalRenderer: SpanRenderer = {
  name: 'retrieval',
  applies(span) {
    const a = span.attributes;
    return (
      str(a, 'glassbox.span.type') === 'RETRIEVER' ||
      a['glassbox.retrieval.documents'] !== undefined ||
      Object.keys(a).some((k) => k.startsWith('retrieval.documents.'))
    );
  },
  render(span) {
    const a = span.attributes;
    const docs = documentsOf(a);
    return h(
      'div',
      { class: 'retrieval-view' },
      section(
        'Retrieval',
        facts([
          ['query', str(a, 'glassbox.retrieval.query') ?? str(a, 'input.value')],
          ['data source', str(a, 'gen_ai.data_source.id')],
          ['documents', str(a, 'glassbox.retrieval.document_count') ?? String(docs.length)],
        ]),
      ),
      section(
        `Documents (${docs.length})`,
        docs.length === 0
          ? h('p', { class: 'muted' }, 'No documents recorded.')
          : h(
              'ol',
              { class: 'docs' },
              docs.map((doc, i) => {
                const score = scoreText(doc);
                const metadata = doc.metadata;
                return h(
                  'li',
                  { class: 'doc' },
                  h(
                    'div',
                    { class: 'doc-head' },
                    h('span', { class: 'doc-rank' }, `#${i + 1}`),
                    h('span', { class: 'mono doc-id' }, doc.id === undefined ? '(no id)' : String(doc.id)),
                    score ? h('span', { class: 'badge score' }, `score ${score}`) : null,
                  ),
                  doc.content !== undefined
                    ? valueView(doc.content, { limit: 600, raw: true, className: 'prose' })
                    : null,
                  metadata !== undefined && metadata !== null
                    ? h('div', { class: 'doc-meta' }, valueView(metadata, { limit: 300 }))
                    : null,
                );
              }),
            ),
      ),
    );
  },
};
