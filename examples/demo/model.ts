// A deterministic little "model" behind the local fake OpenAI server, so the demo runs offline and gives
// the same answers every time. It plays three roles, told apart by the system prompt:
//   - query rewriting: turns a chatty message into keywords; but, like the real bug this demo is about,
//     it "helpfully" stuffs short queries that needed no rewrite with extra topics;
//   - answering with tools: asks for `lookup_order` when the question names an order, then answers from
//     the tool result;
//   - answering from the articles put in the system prompt.
import {
  type ConversationTurn,
  type RecordedRequest,
  readConversation,
  type Script,
} from '@glassbox/fake-llm';

const STOPWORDS = new Set(
  (
    "hi hello hey please thanks thank you can could would i i've i'm me my is it it's was were the a an to " +
    'of for where what when how do does did be been supposed yet there'
  ).split(' '),
);

/** The fake server calls this for every request that has no queued script. */
export function supportModel(request: RecordedRequest): Script {
  if (request.api === 'embeddings') return {}; // the server computes the vectors itself
  const turns = readConversation(request);
  const system = turns.find((t) => t.role === 'system')?.text ?? '';
  const question = turns.findLast((t) => t.role === 'user')?.text ?? '';
  if (system.startsWith('Rewrite')) return { text: rewrite(question) };

  const last = turns.at(-1);
  if (last?.role === 'tool') return { text: answerFromOrder(last) };
  const orderId = question.match(/\b[A-Z]-\d{4}\b/)?.[0];
  const toolOffered = JSON.stringify(request.body).includes('"lookup_order"');
  if (orderId && toolOffered) return { toolCalls: [{ name: 'lookup_order', arguments: { orderId } }] };
  return { text: answerFromArticles(system) };
}

function rewrite(message: string): string {
  const keywords = message
    .split(/\s+/)
    .map((word) => word.replace(/^[^\w]+|[^\w]+$/g, ''))
    .filter((word) => word !== '' && !STOPWORDS.has(word.toLowerCase()))
    .map((word) => (/^[A-Z]-\d+$/.test(word) ? word : word.toLowerCase()));
  if (keywords.length > 3) return keywords.join(' ');
  // The failure mode: a query that was fine gets "enriched" until it is about everything.
  return (
    `${message.trim()}, and also include our returns and refunds policy (can unused items be returned ` +
    'within 30 days, when do refunds reach the original payment method) so the answer is complete'
  );
}

function answerFromOrder(tool: ConversationTurn): string {
  let order: Record<string, unknown>;
  try {
    order = JSON.parse(tool.text);
  } catch {
    return `Sorry, I could not look that order up (${tool.text}). A colleague will get back to you by email.`;
  }
  const items = (order.items as string[] | undefined)?.join(' and ') ?? 'your items';
  if (order.status !== 'shipped')
    return `Your order ${order.orderId} (${items}) is ${order.status}; you get a tracking number when it ships.`;
  return (
    `Your order ${order.orderId} (${items}) shipped with ${order.carrier} on ${order.shippedOn}, tracking ` +
    `number ${order.trackingNumber}. It is expected on ${order.expectedOn}; delays rarely exceed 2 days.`
  );
}

function answerFromArticles(system: string): string {
  // Articles are listed as `[id] title: text`, best match first; answer from the best one.
  const best = system.match(/^\[(kb-\d+)\] ([^:]+): (.+)$/m);
  if (!best) return 'I am not sure; let me hand you over to a colleague.';
  const [, id, title, text] = best;
  return `${text} (source: "${title}", ${id})`;
}
