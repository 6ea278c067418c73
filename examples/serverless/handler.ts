import { type Glassbox, SpanType, trace, withTraceContext } from '@glassbox/core';

/** What the runtime passes in (an API Gateway-like event, trimmed). */
export interface FaqEvent {
  requestId: string;
  userId?: string;
  question: string;
}

export interface FaqResponse {
  statusCode: number;
  body: string;
}

const FAQ: Record<string, string> = {
  refund: 'Refunds go back to the original payment method within 5 business days.',
  shipping: 'Orders ship within 24 hours; tracking arrives by email.',
  password: 'Use "Forgot password" on the sign-in page; the link is valid for one hour.',
};

const lookup = trace(
  async function lookup(question: string): Promise<string | undefined> {
    const key = Object.keys(FAQ).find((k) => question.toLowerCase().includes(k));
    return key === undefined ? undefined : FAQ[key];
  },
  { type: SpanType.RETRIEVER },
);

const answer = trace(
  async function answer(question: string): Promise<string> {
    return (await lookup(question)) ?? 'Sorry, I do not know yet; a human will answer by email.';
  },
  { type: SpanType.CHAIN },
);

/**
 * Builds the function handler. The runtime may freeze or kill the process as soon as the handler's
 * promise resolves, so the handler exports its spans itself: `await glassbox.flush()` in `finally`,
 * on success and on failure alike.
 */
export function createHandler(glassbox: Glassbox): (event: FaqEvent) => Promise<FaqResponse> {
  return async function handler(event) {
    try {
      const text = await withTraceContext(
        { sessionId: event.requestId, userId: event.userId, tags: ['serverless'] },
        () => answer(event.question),
      );
      return { statusCode: 200, body: JSON.stringify({ answer: text }) };
    } finally {
      await glassbox.flush();
    }
  };
}
