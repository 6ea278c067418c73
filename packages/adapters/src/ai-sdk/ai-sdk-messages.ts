/**
 * Converters from AI SDK messages (v7 `ModelMessage`, v6 `LanguageModelV3Prompt`, which share their part
 * shapes) to the GenAI message parts schema of the semantic conventions (v1.37+).
 */

import { errorText } from '../internal/error-text.js';
import { type InputMessage, isObj, type MessagePart, type Obj } from '../internal/llm/parts.js';

export type { MessagePart } from '../internal/llm/parts.js';

/** One GenAI message: a role, its parts and, for outputs, why the model stopped. */
export type GenAiMessage = InputMessage & { finish_reason?: string };

/** Splits AI SDK instructions and messages into GenAI system instructions and input messages. */
export function toInputMessages(
  instructions: unknown,
  messages: unknown,
): { system: MessagePart[]; messages: GenAiMessage[] } {
  const system: MessagePart[] = [];
  addSystem(system, instructions);
  const out: GenAiMessage[] = [];
  for (const message of Array.isArray(messages) ? messages : []) {
    if (!isObj(message)) continue;
    // System messages in the list (v6 prompts, `allowSystemInMessages`) are instructions too.
    if (message.role === 'system') addSystem(system, message);
    else out.push({ role: String(message.role ?? 'user'), parts: contentParts(message.content) });
  }
  return { system, messages: out };
}

/** The GenAI output message for the content parts a model call produced. */
export function toOutputMessage(content: unknown, finishReason: string | undefined): GenAiMessage {
  return { role: 'assistant', parts: contentParts(content), finish_reason: finishReason ?? 'stop' };
}

/** GenAI message parts for AI SDK content: a string or a list of typed parts. */
export function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const part of content) {
    if (!isObj(part)) continue;
    const converted = partOf(part);
    if (converted) parts.push(converted);
  }
  return parts;
}

function partOf(part: Obj): MessagePart | undefined {
  switch (part.type) {
    case 'text':
      return { type: 'text', content: String(part.text ?? '') };
    case 'reasoning':
      return { type: 'reasoning', content: String(part.text ?? '') };
    case 'tool-call':
      return {
        type: 'tool_call',
        id: part.toolCallId ?? null,
        name: part.toolName ?? '',
        arguments: parseJson(part.input),
      };
    case 'tool-result':
      return {
        type: 'tool_call_response',
        id: part.toolCallId ?? null,
        response: toolOutput(part.output ?? part.result),
      };
    case 'tool-error':
      return {
        type: 'tool_call_response',
        id: part.toolCallId ?? null,
        response: { error: errorText(part.error) },
      };
    case 'image':
      return mediaPart(part.image, part.mediaType ?? part.mimeType, 'image');
    case 'file':
      return mediaPart(part.data ?? part.file?.base64, part.mediaType ?? part.file?.mediaType, undefined);
    case 'source':
      return undefined;
    default:
      return { type: String(part.type ?? 'unknown') };
  }
}

// v6/v7 tool outputs are tagged (`{ type: 'json', value }`); the value is what the model was sent.
function toolOutput(output: unknown): unknown {
  if (isObj(output) && typeof output.type === 'string' && 'value' in output) return output.value;
  return output;
}

function addSystem(system: MessagePart[], value: unknown): void {
  if (typeof value === 'string') {
    if (value !== '') system.push({ type: 'text', content: value });
  } else if (Array.isArray(value)) {
    for (const item of value) addSystem(system, item);
  } else if (isObj(value)) {
    addSystem(system, value.content);
    if (value.type === 'text' && typeof value.text === 'string')
      system.push({ type: 'text', content: value.text });
  }
}

// Inline bytes would fill the value length limit and push the conversation out, so only the type is kept.
function mediaPart(data: unknown, mimeType: unknown, modality: string | undefined): MessagePart {
  const mime = typeof mimeType === 'string' ? mimeType : null;
  const kind = modality ?? modalityOf(mime);
  const url =
    data instanceof URL
      ? data.href
      : typeof data === 'string' && /^https?:\/\//.test(data)
        ? data
        : undefined;
  if (url !== undefined) return { type: 'uri', modality: kind, mime_type: mime, uri: url };
  const size =
    typeof data === 'string'
      ? data.length
      : isObj(data) && typeof data.byteLength === 'number'
        ? data.byteLength
        : 0;
  return {
    type: 'blob',
    modality: kind,
    mime_type: mime,
    content: `[${size} ${typeof data === 'string' ? 'base64 characters' : 'bytes'} omitted]`,
  };
}

function modalityOf(mime: string | null): string {
  if (mime?.startsWith('image/')) return 'image';
  if (mime?.startsWith('audio/')) return 'audio';
  if (mime?.startsWith('video/')) return 'video';
  return 'document';
}

/** Parses a JSON string (v6 span attributes, tool arguments), keeping anything unparsable as it is. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
