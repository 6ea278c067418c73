import type { Attributes } from '@opentelemetry/api';
import { parseJson } from './span-facts.js';

// The GenAI message parts schema (`gen_ai.input.messages`, `gen_ai.output.messages`,
// `gen_ai.system_instructions`: `[{ role, parts: [{ type, ... }], finish_reason? }]`) read into flat
// chat messages, which each backend convention then writes its own way.

/** A tool call asked for by the model. */
export interface ChatToolCall {
  id?: string;
  name: string;
  /** JSON text, as chat APIs carry arguments. */
  arguments: string;
}

/** One message, flattened: the text parts joined, tool calls and tool results lifted out. */
export interface ChatMessage {
  role: string;
  content: string;
  name?: string;
  toolCalls: ChatToolCall[];
  /** On a tool result: the call it answers. */
  toolCallId?: string;
  finishReason?: string;
}

type Part = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));

function readMessage(raw: Record<string, unknown>): ChatMessage[] {
  const role = typeof raw.role === 'string' ? raw.role : 'user';
  const parts = Array.isArray(raw.parts) ? (raw.parts as Part[]) : [];
  const message: ChatMessage = { role, content: '', toolCalls: [] };
  if (typeof raw.name === 'string') message.name = raw.name;
  if (typeof raw.finish_reason === 'string') message.finishReason = raw.finish_reason;
  const texts: string[] = [];
  // A tool result is a message of its own in chat APIs: one per `tool_call_response` part.
  const results: ChatMessage[] = [];
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    switch (part.type) {
      case 'text':
        texts.push(text(part.content));
        break;
      case 'tool_call':
        message.toolCalls.push({
          ...(typeof part.id === 'string' ? { id: part.id } : {}),
          name: typeof part.name === 'string' ? part.name : '',
          arguments: text(part.arguments),
        });
        break;
      case 'tool_call_response':
        results.push({
          role: 'tool',
          content: text(part.response),
          toolCalls: [],
          ...(typeof part.id === 'string' ? { toolCallId: part.id } : {}),
        });
        break;
      default:
        // reasoning, blob, uri...: not chat text; the original attribute still carries them.
        break;
    }
  }
  message.content = texts.join('\n');
  if (results.length > 0 && texts.length === 0 && message.toolCalls.length === 0) return results;
  return [message, ...results];
}

/** Reads one messages attribute; undefined when absent or not readable (cut short at the limit). */
function readMessages(value: Attributes[string]): ChatMessage[] | undefined {
  const parsed = parseJson(value);
  if (!Array.isArray(parsed)) return undefined;
  return parsed
    .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null)
    .flatMap(readMessage);
}

/** The input messages, the system instructions first when they are recorded apart. */
export function inputMessagesOf(attributes: Attributes): ChatMessage[] | undefined {
  const messages = readMessages(attributes['gen_ai.input.messages']);
  const system = parseJson(attributes['gen_ai.system_instructions']);
  if (!Array.isArray(system) || system.length === 0) return messages;
  const content = (system as Part[])
    .filter((p) => typeof p === 'object' && p !== null && p.type === 'text')
    .map((p) => text(p.content))
    .join('\n');
  return [{ role: 'system', content, toolCalls: [] }, ...(messages ?? [])];
}

/** The output messages (one per choice). */
export function outputMessagesOf(attributes: Attributes): ChatMessage[] | undefined {
  return readMessages(attributes['gen_ai.output.messages']);
}

/** A message in the OpenAI chat format, which MLflow's and Langfuse's chat views render. */
export function toOpenAiMessage(message: ChatMessage): Record<string, unknown> {
  return {
    role: message.role,
    content: message.content === '' && message.toolCalls.length > 0 ? null : message.content,
    ...(message.name ? { name: message.name } : {}),
    ...(message.toolCallId ? { tool_call_id: message.toolCallId } : {}),
    ...(message.toolCalls.length > 0
      ? {
          tool_calls: message.toolCalls.map((call) => ({
            ...(call.id ? { id: call.id } : {}),
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        }
      : {}),
  };
}
