/**
 * Converters from LangChain values (messages, prompt values, documents) to the GenAI message parts
 * schema and to plain JSON, read structurally so no LangChain class is loaded here.
 */

import { type InputMessage, isObj, type MessagePart, type Obj } from '../internal/llm/parts.js';

export type { MessagePart } from '../internal/llm/parts.js';

/** One GenAI message: a role, its parts and, for outputs, why the model stopped. */
export type GenAiMessage = InputMessage & { finish_reason?: string };

const ROLES: Record<string, string> = {
  human: 'user',
  ai: 'assistant',
  system: 'system',
  tool: 'tool',
  function: 'tool',
};

const FINISH: Record<string, string> = {
  tool_calls: 'tool_call',
  tool_use: 'tool_call',
  function_call: 'tool_call',
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
};

/** The GenAI output-message finish reason for a provider's finish reason (`tool_calls` → `tool_call`). */
export function finishReason(reason: unknown): string | undefined {
  return typeof reason === 'string' ? (FINISH[reason] ?? reason) : undefined;
}

/** The type of a LangChain message (`human`, `ai`, ...), across the 0.x and 1.x accessors. */
export function messageType(message: Obj): string {
  if (typeof message.getType === 'function') return String(message.getType());
  if (typeof message._getType === 'function') return String(message._getType());
  return String(message.type ?? message.role ?? 'generic');
}

/** Whether a value looks like a LangChain message. */
export function isMessage(value: unknown): boolean {
  return (
    isObj(value) &&
    'content' in value &&
    (typeof value.getType === 'function' || typeof value._getType === 'function')
  );
}

/** Splits a LangChain message list into GenAI system instructions and input messages. */
export function toInputMessages(messages: unknown): { system: MessagePart[]; messages: GenAiMessage[] } {
  const system: MessagePart[] = [];
  const out: GenAiMessage[] = [];
  for (const message of Array.isArray(messages) ? messages : []) {
    if (!isObj(message)) continue;
    const converted = toMessage(message);
    if (converted.role === 'system') system.push(...converted.parts);
    else out.push(converted);
  }
  return { system, messages: out };
}

/** One LangChain message as a GenAI message. */
export function toMessage(message: Obj, finish?: string): GenAiMessage {
  const type = messageType(message);
  const role = ROLES[type] ?? (typeof message.role === 'string' ? message.role : type);
  const parts: MessagePart[] = [];
  if (role === 'tool') {
    parts.push({
      type: 'tool_call_response',
      id: message.tool_call_id ?? null,
      response: parseJson(message.content),
    });
  } else {
    parts.push(...contentParts(message.content));
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      parts.push({
        type: 'tool_call',
        id: call?.id ?? null,
        name: call?.name ?? '',
        arguments: call?.args ?? null,
      });
    }
  }
  return finish === undefined ? { role, parts } : { role, parts, finish_reason: finish };
}

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const block of content) {
    if (typeof block === 'string') parts.push({ type: 'text', content: block });
    else if (!isObj(block)) continue;
    else if (block.type === 'text') parts.push({ type: 'text', content: String(block.text ?? '') });
    else if (block.type === 'reasoning' || block.type === 'thinking') {
      parts.push({
        type: 'reasoning',
        content: String(block.reasoning ?? block.thinking ?? block.text ?? ''),
      });
    } else if (block.type === 'image_url' || block.type === 'image') parts.push(imagePart(block));
    // Tool calls are read from `tool_calls`, which every provider integration fills.
    else if (block.type !== 'tool_use' && block.type !== 'tool_call')
      parts.push({ type: String(block.type ?? 'unknown') });
  }
  return parts;
}

// Inline bytes would fill the value length limit and push the conversation out, so only the type is kept.
function imagePart(block: Obj): MessagePart {
  const url = typeof block.image_url === 'string' ? block.image_url : (block.image_url?.url ?? block.url);
  if (typeof url === 'string' && !url.startsWith('data:'))
    return { type: 'uri', modality: 'image', mime_type: block.mime_type ?? null, uri: url };
  const size = typeof url === 'string' ? url.length : typeof block.data === 'string' ? block.data.length : 0;
  return {
    type: 'blob',
    modality: 'image',
    mime_type: block.mime_type ?? null,
    content: `[${size} base64 characters omitted]`,
  };
}

/**
 * A LangChain value as plain JSON for `glassbox.inputs`/`outputs`: messages as `{ role, content }`,
 * prompt values as their messages, documents as `{ pageContent, metadata }`; the serialized
 * constructor form (`{ lc, type, id, kwargs }`) would bury the content under class names.
 */
export function plain(value: unknown, depth = 0): unknown {
  if (!isObj(value) || depth > 8) return value;
  if (isMessage(value)) {
    const message = toMessage(value);
    const out: Obj = { role: message.role, content: value.content };
    if (Array.isArray(value.tool_calls) && value.tool_calls.length > 0) out.tool_calls = value.tool_calls;
    if (value.tool_call_id !== undefined) out.tool_call_id = value.tool_call_id;
    return out;
  }
  if (typeof value.toChatMessages === 'function') return plain(value.toChatMessages(), depth + 1);
  if (typeof value.pageContent === 'string')
    return { pageContent: value.pageContent, metadata: value.metadata };
  if (Array.isArray(value)) return value.map((item) => plain(item, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  const out: Obj = {};
  for (const key of Object.keys(value)) out[key] = plain(value[key], depth + 1);
  return out;
}

/** Retrieved documents in the `glassbox.retrieval.documents` shape: `{ id, score, content, metadata }`. */
export function toDocuments(documents: unknown): Obj[] {
  if (!Array.isArray(documents)) return [];
  return documents.filter(isObj).map((doc) => {
    const metadata = isObj(doc.metadata) ? doc.metadata : {};
    const score = metadata.score ?? metadata.relevance_score ?? metadata.relevanceScore;
    return {
      id: doc.id ?? metadata.id ?? null,
      score: typeof score === 'number' ? score : null,
      content: doc.pageContent,
      metadata,
    };
  });
}

// Runnables wrap a lone input or output as `{ input }` / `{ output }`; record the value itself.
export function unwrap(value: Obj | undefined): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'input' || keys[0] === 'output')) return plain(value[keys[0]]);
  }
  return plain(value);
}

export function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return plain(value);
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
