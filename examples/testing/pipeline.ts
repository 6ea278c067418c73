import { SpanType, trace, withSpan } from '@glassbox/core';

/** A help-center article. */
export interface Article {
  id: string;
  title: string;
  text: string;
}

const ARTICLES: Article[] = [
  {
    id: 'kb-1',
    title: 'Reset your password',
    text: 'Open Settings, choose Security, then Reset password. The link in the email is valid for 1 hour.',
  },
  {
    id: 'kb-2',
    title: 'Change your plan',
    text: 'Plans can be changed under Billing. Upgrades apply at once; downgrades at the next renewal.',
  },
  {
    id: 'kb-3',
    title: 'Export your data',
    text: 'Settings, then Privacy, then Export. You get a ZIP file by email within 24 hours.',
  },
];

/** Raised when no article matches: the pipeline refuses to answer without context. */
export class NoContextError extends Error {
  override name = 'NoContextError';
}

const words = (text: string) => new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);

/** Keyword retriever: the articles sharing the most words with the query (a RETRIEVER span). */
export const retrieve = trace(
  async function retrieve(query: string, k: number): Promise<Article[]> {
    const q = words(query);
    return ARTICLES.map((article) => ({
      article,
      score: [...words(`${article.title} ${article.text}`)].filter((w) => q.has(w) && w.length > 3).length,
    }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, k)
      .map((hit) => hit.article);
  },
  { type: SpanType.RETRIEVER },
);

/** Stands in for an LLM call: answers from the first article (an LLM span; inputs recorded as ids only). */
export const generate = trace(
  async function generate(question: string, context: Article[]): Promise<string> {
    const [best] = context;
    if (best === undefined) throw new NoContextError(`no article matches "${question}"`);
    return `${best.text} (source: ${best.title})`;
  },
  {
    type: SpanType.LLM,
    captureInputs: (question, context) => ({ question, articleIds: context.map((a) => a.id) }),
  },
);

/** The pipeline under test: normalise, retrieve, generate, each step a span under one CHAIN root. */
export const answer = trace(
  async function answer(question: string): Promise<string> {
    const query = await withSpan({ name: 'normalize', type: SpanType.PARSER }, () =>
      question.trim().replace(/\s+/g, ' '),
    );
    const context = await retrieve(query, 2);
    return generate(query, context);
  },
  { type: SpanType.CHAIN },
);
