import type { RecordedRequest, Responder } from './request.js';

/** One message of a request, normalised across the OpenAI chat, OpenAI Responses and Anthropic formats. */
export interface ConversationTurn {
  role: 'system' | 'user' | 'assistant' | 'tool';
  /** The text parts joined with newlines (a tool result's content as text). */
  text: string;
  /** On `tool` turns: the id of the call this result answers. */
  toolCallId?: string;
  /** On `assistant` turns: the tool calls it made, arguments as sent. */
  toolCalls?: { id: string; name: string; arguments: string }[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asString = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v);

/** Reads the messages of a recorded request, so responders can answer without knowing the wire format. */
export function readConversation(request: RecordedRequest): ConversationTurn[] {
  const body = isObj(request.body) ? request.body : {};
  switch (request.api) {
    case 'chat.completions':
      return asArray(body.messages).flatMap(chatTurn);
    case 'responses':
      return [
        ...(body.instructions === undefined
          ? []
          : [{ role: 'system' as const, text: textOf(body.instructions) }]),
        ...(typeof body.input === 'string'
          ? [{ role: 'user' as const, text: body.input }]
          : asArray(body.input).flatMap(responsesTurn)),
      ];
    case 'messages':
      return [
        ...(body.system === undefined ? [] : [{ role: 'system' as const, text: textOf(body.system) }]),
        ...asArray(body.messages).flatMap(anthropicTurns),
      ];
    case 'embeddings':
      return (Array.isArray(body.input) ? body.input : [body.input]).map((input) => ({
        role: 'user' as const,
        text: asString(input),
      }));
    default:
      return [];
  }
}

/** The default responder: echoes the last user message, or acknowledges a tool result; never calls tools. */
export const echoResponder: Responder = (request) => {
  const last = readConversation(request).at(-1);
  if (last?.role === 'tool') return { text: `Tool result received: ${last.text}` };
  if (last?.role === 'user' && last.text !== '') return { text: `You said: ${last.text}` };
  return { text: 'Hello from fake-llm.' };
};

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Text of a string, or of an array of parts (`text`, `input_text`, `output_text`, tool results' nested content). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((part) => {
      if (typeof part === 'string') return part;
      if (!isObj(part)) return '';
      if (typeof part.text === 'string') return part.text;
      if (part.type === 'tool_result') return textOf(part.content);
      return '';
    })
    .filter((text) => text !== '')
    .join('\n');
}

function chatTurn(message: unknown): ConversationTurn[] {
  if (!isObj(message)) return [];
  const text = textOf(message.content);
  switch (message.role) {
    case 'system':
    case 'developer':
      return [{ role: 'system', text }];
    case 'tool':
      return [{ role: 'tool', text, toolCallId: asString(message.tool_call_id) }];
    case 'assistant': {
      const toolCalls = asArray(message.tool_calls)
        .filter(isObj)
        .map((call) => {
          const fn = isObj(call.function) ? call.function : {};
          return { id: asString(call.id), name: asString(fn.name), arguments: asString(fn.arguments) };
        });
      return [{ role: 'assistant', text, ...(toolCalls.length > 0 ? { toolCalls } : {}) }];
    }
    default:
      return [{ role: 'user', text }];
  }
}

function responsesTurn(item: unknown): ConversationTurn[] {
  if (!isObj(item)) return [];
  if (item.type === 'function_call') {
    const call = {
      id: asString(item.call_id),
      name: asString(item.name),
      arguments: asString(item.arguments),
    };
    return [{ role: 'assistant', text: '', toolCalls: [call] }];
  }
  if (item.type === 'function_call_output') {
    return [{ role: 'tool', text: textOf(item.output), toolCallId: asString(item.call_id) }];
  }
  const role = item.role === 'assistant' ? 'assistant' : item.role === 'user' ? 'user' : 'system';
  return [{ role, text: textOf(item.content) }];
}

function anthropicTurns(message: unknown): ConversationTurn[] {
  if (!isObj(message)) return [];
  const blocks =
    typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  const parts = asArray(blocks).filter(isObj);
  if (message.role === 'assistant') {
    const toolCalls = parts
      .filter((block) => block.type === 'tool_use')
      .map((block) => ({
        id: asString(block.id),
        name: asString(block.name),
        arguments: asString(block.input),
      }));
    return [{ role: 'assistant', text: textOf(parts), ...(toolCalls.length > 0 ? { toolCalls } : {}) }];
  }
  // A user message can carry tool results and text; each result becomes its own `tool` turn.
  const results: ConversationTurn[] = parts
    .filter((block) => block.type === 'tool_result')
    .map((block) => ({ role: 'tool', text: textOf(block.content), toolCallId: asString(block.tool_use_id) }));
  const text = textOf(parts.filter((block) => block.type !== 'tool_result'));
  return text === '' && results.length > 0 ? results : [...results, { role: 'user', text }];
}
