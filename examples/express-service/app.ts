import { SpanType, trace, withTraceContext } from '@glassbox/core';
import { trace as otelTrace } from '@opentelemetry/api';
import express from 'express';

const PRICES: Record<string, string> = {
  starter: 'Starter costs 9 EUR a month.',
  team: 'Team costs 29 EUR per seat and month.',
  enterprise: 'Enterprise is priced per contract; sales will get in touch.',
};

const retrieve = trace(
  async function retrieve(question: string): Promise<string[]> {
    const q = question.toLowerCase();
    return Object.entries(PRICES)
      .filter(([plan]) => q.includes(plan))
      .map(([, text]) => text);
  },
  { type: SpanType.RETRIEVER },
);

const answer = trace(
  async function answer(question: string): Promise<string> {
    const facts = await retrieve(question);
    return facts.length > 0 ? facts.join(' ') : 'Which plan do you mean: starter, team or enterprise?';
  },
  { type: SpanType.CHAIN },
);

/** The HTTP API: POST /ask { question } answers from the price list. */
export function createApp(): express.Express {
  const app = express();
  app.use(express.json());

  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  app.post('/ask', async (req, res) => {
    // The active span here is the HTTP server span from instrumentation-http: name it after the route.
    otelTrace.getActiveSpan()?.updateName('POST /ask').setAttribute('http.route', '/ask');
    const question = String(req.body?.question ?? '');
    const user = req.header('x-user-id');
    const text = await withTraceContext({ userId: user, tags: ['api'] }, () => answer(question));
    res.json({ answer: text });
  });

  return app;
}
