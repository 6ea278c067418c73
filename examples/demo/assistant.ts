// The support assistant: check the question for prompt injection, rewrite it, retrieve articles, let the
// LLM call a tool, answer. Every step is traced with a Glassbox adapter; the root of each conversation
// turn is `support_turn`.

import { type GuardrailVerdict, traceGuardrail } from '@glassbox/adapters/guardrails';
import { definePrompt } from '@glassbox/adapters/prompts';
import { traceRetriever } from '@glassbox/adapters/retrieval';
import { traceRewrite } from '@glassbox/adapters/rewrite';
import { defineTool, ToolRegistry } from '@glassbox/adapters/tools';
import { currentSpan, SpanType, trace } from '@glassbox/core';
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import { ARTICLES, type Article, ORDERS } from './knowledge-base.js';

export const CHAT_MODEL = 'gpt-4o-mini';
export const EMBEDDING_MODEL = 'text-embedding-3-small';
const DIMENSIONS = 256;

// Versioned prompts: each LLM span says which prompt and version produced it.
const rewritePrompt = definePrompt({
  name: 'rewrite-query',
  version: 3,
  template: [
    { role: 'system', content: 'Rewrite the customer message as a short search query for the help center.' },
    { role: 'user', content: '{{message}}' },
  ],
});

const answerPrompt = definePrompt({
  name: 'support-answer',
  version: 7,
  template: [
    {
      role: 'system',
      content:
        'You are the support assistant of Trailhead Outfitters. Answer in two sentences, only from the ' +
        'articles below; call lookup_order for questions about an order.\n\nArticles:\n{{articles}}',
    },
    { role: 'user', content: '{{question}}' },
  ],
});

/** A conversation turn's result, with the ids needed to attach feedback to its trace. */
export interface Turn {
  answer: string;
  traceId: string;
  spanId: string;
  /** True when the prompt-injection guardrail stopped the question before any LLM call. */
  blocked: boolean;
}

// Phrases of the usual "forget your instructions" attacks; a real check would be a classifier model.
const INJECTION_PATTERNS: [RegExp, string][] = [
  [
    /\b(ignore|disregard|forget)\b.{0,30}\b(previous|prior|above|your)\b.{0,20}\b(instructions|rules|prompt)/i,
    'instruction override',
  ],
  [/\b(reveal|print|show)\b.{0,30}\bsystem prompt\b/i, 'system prompt extraction'],
  [/\byou are now\b|\bdeveloper mode\b/i, 'role hijack'],
];

/** The GUARDRAIL step before any LLM call: a question that tries to override the assistant's rules is blocked. */
export const checkPromptInjection = traceGuardrail(
  function checkPromptInjection(question: string): GuardrailVerdict {
    const hits = INJECTION_PATTERNS.filter(([pattern]) => pattern.test(question)).map(([, why]) => why);
    if (hits.length === 0) return { decision: 'pass', score: 0 };
    return { decision: 'block', reason: hits.join(', '), score: Math.min(1, 0.6 + 0.2 * hits.length) };
  },
  { name: 'prompt-injection', policy: 'no-instruction-override' },
);

const REFUSAL = 'Sorry, I can only help with orders, returns and our products.';

export interface Assistant {
  ask(question: string): Promise<Turn>;
  tools: ToolRegistry;
}

/**
 * Builds the assistant. `openai` is the traced client used per request; `indexClient` embeds the help
 * center once at startup (left untraced so the demo's output is the conversations only).
 */
export async function createAssistant(openai: OpenAI, indexClient: OpenAI): Promise<Assistant> {
  const index = await buildIndex(indexClient);

  const tools = new ToolRegistry([
    defineTool({
      name: 'lookup_order',
      description: 'Look up the status, carrier and tracking number of a customer order by its id.',
      parameters: z.object({ orderId: z.string().regex(/^[A-Z]-\d{4}$/) }),
      execute: async ({ orderId }) => {
        const order = ORDERS[orderId];
        if (!order) throw new Error(`no order ${orderId}`);
        return order;
      },
    }),
    defineTool({
      name: 'start_return',
      description: 'Open a return for items of a delivered order and email the customer a return label.',
      parameters: z.object({ orderId: z.string(), items: z.array(z.string()).min(1) }),
      execute: async ({ orderId, items }) => ({ orderId, items, label: `RET-${orderId}` }),
    }),
  ]);

  // QUERY_REWRITE span: measures how far the rewrite moved from the question and flags suspicious ones.
  const rewriteQuery = traceRewrite(
    async function rewriteQuery(message: string): Promise<string> {
      const completion = await openai.chat.completions.create({
        model: CHAT_MODEL,
        temperature: 0,
        messages: rewritePrompt.render({ message }),
      });
      return completion.choices[0]?.message.content?.trim() || message;
    },
    {
      maxLengthRatio: 2,
      minSimilarity: 0.3,
      // A short keyword query needs no rewriting; changing one anyway is flagged as `unneeded_rewrite`.
      needsRewrite: (query) => query.trim().split(/\s+/).length > 3 || /[?!]/.test(query),
    },
  );

  // RETRIEVER span with the query and the documents found; the embeddings call nests inside it.
  const search = traceRetriever(
    async function search(query: string) {
      const { data } = await openai.embeddings.create({
        model: EMBEDDING_MODEL,
        input: query,
        dimensions: DIMENSIONS,
      });
      const q = data[0]!.embedding;
      return index
        .map(({ article, vector }) => ({
          id: article.id,
          score: Math.round(cosine(q, vector) * 1000) / 1000,
          content: article.text,
          metadata: { title: article.title },
        }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 2);
    },
    { dataSource: 'help-center' },
  );

  // The root span of each turn (AGENT: it loops while the model asks for tools).
  const ask = trace(
    async function supportTurn(question: string): Promise<Turn> {
      const root = currentSpan();
      const ids = { traceId: root?.traceId ?? '', spanId: root?.spanId ?? '' };
      // Before the question reaches any model: a blocked one gets a fixed answer and costs nothing.
      if (checkPromptInjection(question).decision === 'block')
        return { answer: REFUSAL, ...ids, blocked: true };
      const query = await rewriteQuery(question);
      const hits = await search(query);
      const articles = hits.map((h) => `[${h.id}] ${h.metadata.title}: ${h.content}`).join('\n');
      const messages: ChatCompletionMessageParam[] = answerPrompt.render({ articles, question });

      for (let round = 0; round < 3; round++) {
        const completion = await openai.chat.completions.create({
          model: CHAT_MODEL,
          temperature: 0,
          messages,
          tools: tools.definitions('openai'),
        });
        const message = completion.choices[0]!.message;
        const calls = (message.tool_calls ?? []).filter((call) => call.type === 'function');
        if (calls.length === 0) return { answer: message.content ?? '', ...ids, blocked: false };
        messages.push(message);
        // Each call is an `execute_tool` span; a failing tool becomes an error message for the model.
        for (const call of calls) messages.push(await tools.respond(call));
      }
      throw new Error('the model kept calling tools');
    },
    { name: 'support_turn', type: SpanType.AGENT, captureOutputs: (turn) => turn.answer },
  );

  return { ask, tools };
}

async function buildIndex(client: OpenAI): Promise<{ article: Article; vector: number[] }[]> {
  const { data } = await client.embeddings.create({
    model: EMBEDDING_MODEL,
    input: ARTICLES.map((a) => `${a.title}. ${a.text}`),
    dimensions: DIMENSIONS,
  });
  return ARTICLES.map((article, i) => ({ article, vector: data[i]!.embedding }));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * (b[i] ?? 0);
  return dot; // both vectors are unit length
}
