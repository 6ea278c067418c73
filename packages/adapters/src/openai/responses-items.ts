import {
  dataUrlPart,
  filePart,
  type InputMessage,
  isObj,
  type MessagePart,
  type Obj,
  reasoningPart,
  str,
  textOf,
  textPart,
  toolCallPart,
  toolResponsePart,
  uriPart,
} from '../internal/llm/parts.js';

/** Responses API `input` (a string or a list of items) as GenAI input messages, in order. */
export function responsesInputMessages(input: unknown): InputMessage[] | undefined {
  if (typeof input === 'string') return [{ role: 'user', parts: [textPart(input)] }];
  if (!Array.isArray(input)) return undefined;
  const messages: InputMessage[] = [];
  for (const item of input) {
    if (!isObj(item)) continue;
    const type = str(item.type) ?? 'message';
    if (type === 'message' || (item.role !== undefined && item.type === undefined)) {
      messages.push({ role: str(item.role) ?? 'user', parts: contentParts(item.content) });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      messages.push({
        role: 'tool',
        parts: [toolResponsePart(item.call_id, textOf(item.output) ?? item.output)],
      });
    } else {
      // Items the model produced earlier (function calls, reasoning, built-in tool calls) replayed as context.
      messages.push({ role: 'assistant', parts: outputItemParts([item]) });
    }
  }
  return messages;
}

function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [textPart(content)];
  if (!Array.isArray(content)) return [];
  const parts: MessagePart[] = [];
  for (const part of content) {
    if (!isObj(part)) continue;
    switch (part.type) {
      case 'input_text':
      case 'output_text':
      case 'text':
        parts.push(textPart(String(part.text ?? '')));
        break;
      case 'refusal':
        parts.push({ type: 'refusal', content: String(part.refusal ?? '') });
        break;
      case 'input_image':
        if (typeof part.file_id === 'string') parts.push(filePart(part.file_id, 'image'));
        else if (typeof part.image_url === 'string') {
          parts.push(
            part.image_url.startsWith('data:')
              ? dataUrlPart(part.image_url, 'image')
              : uriPart(part.image_url, 'image'),
          );
        }
        break;
      case 'input_file':
        if (typeof part.file_id === 'string') parts.push(filePart(part.file_id, 'document'));
        else if (typeof part.file_url === 'string') parts.push(uriPart(part.file_url, 'document'));
        else if (typeof part.file_data === 'string') parts.push(dataUrlPart(part.file_data, 'document'));
        break;
      default:
        parts.push({ type: String(part.type ?? 'unknown') });
    }
  }
  return parts;
}

/** The parts of Responses output items: text, refusals, reasoning summaries, function and built-in tool calls. */
export function outputItemParts(items: readonly unknown[]): MessagePart[] {
  const parts: MessagePart[] = [];
  for (const item of items) {
    if (!isObj(item)) continue;
    switch (item.type) {
      case 'message':
        parts.push(...contentParts(item.content));
        break;
      case 'reasoning': {
        const text = [
          ...(Array.isArray(item.summary) ? item.summary : []),
          ...(Array.isArray(item.content) ? item.content : []),
        ]
          .map((s: Obj) => (isObj(s) ? (str(s.text) ?? '') : ''))
          .join('');
        if (text) parts.push(reasoningPart(text));
        break;
      }
      case 'function_call':
        parts.push(toolCallPart(item.call_id, item.name, item.arguments));
        break;
      case 'custom_tool_call':
        parts.push(toolCallPart(item.call_id, item.name, item.input));
        break;
      default:
        // Built-in tools (web_search_call, file_search_call, code_interpreter_call...) run on OpenAI's side.
        parts.push({
          type: 'server_tool_call',
          id: str(item.id) ?? null,
          name: String(item.type ?? 'unknown').replace(/_call$/, ''),
          server_tool_call: { type: String(item.type ?? 'unknown') },
        });
    }
  }
  return parts;
}

/** Whether the output items include a call to one of the application's tools. */
export function hasToolCall(items: readonly unknown[]): boolean {
  return items.some((i) => isObj(i) && (i.type === 'function_call' || i.type === 'custom_tool_call'));
}
