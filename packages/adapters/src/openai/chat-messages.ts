import {
  blobPart,
  dataUrlPart,
  filePart,
  type InputMessage,
  isObj,
  type MessagePart,
  type Obj,
  type OutputMessage,
  reasoningPart,
  str,
  textOf,
  textPart,
  toolCallPart,
  toolResponsePart,
  uriPart,
} from '../internal/llm/parts.js';
import { finishReason } from './shared.js';

/** Chat Completions `messages` as GenAI input messages (system and developer messages stay in order here). */
export function chatInputMessages(messages: unknown): InputMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.filter(isObj).map(chatInputMessage);
}

function chatInputMessage(message: Obj): InputMessage {
  const role = str(message.role) ?? 'user';
  const out: InputMessage = { role, parts: [] };
  if (typeof message.name === 'string' && role !== 'function') out.name = message.name;
  if (role === 'tool' || role === 'function') {
    const id = role === 'tool' ? message.tool_call_id : message.name;
    out.parts.push(toolResponsePart(id, textOf(message.content) ?? message.content ?? null));
    return out;
  }
  out.parts.push(...contentParts(message.content));
  if (typeof message.refusal === 'string') out.parts.push({ type: 'refusal', content: message.refusal });
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls.filter(isObj)) out.parts.push(chatToolCallPart(call));
  }
  if (isObj(message.function_call)) {
    out.parts.push(toolCallPart(null, message.function_call.name, message.function_call.arguments));
  }
  return out;
}

/** The parts of a chat message `content`: a string, or text / image / audio / file parts. */
function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [textPart(content)];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const part of content) {
    if (!isObj(part)) continue;
    switch (part.type) {
      case 'text':
        parts.push(textPart(String(part.text ?? '')));
        break;
      case 'refusal':
        parts.push({ type: 'refusal', content: String(part.refusal ?? '') });
        break;
      case 'image_url': {
        const url = isObj(part.image_url) ? str(part.image_url.url) : undefined;
        if (url !== undefined)
          parts.push(url.startsWith('data:') ? dataUrlPart(url, 'image') : uriPart(url, 'image'));
        break;
      }
      case 'input_audio': {
        const audio = isObj(part.input_audio) ? part.input_audio : {};
        parts.push(
          blobPart(audio.format ? `audio/${audio.format}` : null, String(audio.data ?? '').length, 'audio'),
        );
        break;
      }
      case 'file': {
        const file = isObj(part.file) ? part.file : {};
        if (typeof file.file_id === 'string') parts.push(filePart(file.file_id, 'document'));
        else if (typeof file.file_data === 'string') parts.push(dataUrlPart(file.file_data, 'document'));
        break;
      }
      default:
        parts.push({ type: String(part.type ?? 'unknown') });
    }
  }
  return parts;
}

function chatToolCallPart(call: Obj): MessagePart {
  const fn = isObj(call.function) ? call.function : isObj(call.custom) ? call.custom : {};
  return toolCallPart(call.id, fn.name, fn.arguments ?? fn.input);
}

/** A chat completion choice as a GenAI output message. */
export function chatChoiceMessage(choice: Obj): OutputMessage {
  const message = isObj(choice.message) ? choice.message : {};
  const parts: MessagePart[] = [];
  // OpenAI-compatible servers (DeepSeek, vLLM...) return the model's reasoning beside the content.
  const reasoning = str(message.reasoning_content) ?? str(message.reasoning);
  if (reasoning) parts.push(reasoningPart(reasoning));
  if (typeof message.content === 'string') parts.push(textPart(message.content));
  if (typeof message.refusal === 'string') parts.push({ type: 'refusal', content: message.refusal });
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls.filter(isObj)) parts.push(chatToolCallPart(call));
  }
  if (isObj(message.function_call)) {
    parts.push(toolCallPart(null, message.function_call.name, message.function_call.arguments));
  }
  return { role: str(message.role) ?? 'assistant', parts, finish_reason: finishReason(choice.finish_reason) };
}
