import {
  dataUrlPart,
  filePart,
  type InputMessage,
  isObj,
  type MessagePart,
  type Obj,
  parseArguments,
  reasoningPart,
  str,
  textOf,
  textPart,
  toolCallPart,
  toolResponsePart,
  uriPart,
} from '../internal/llm/parts.js';

/** `system` (a string or text blocks) as GenAI system instructions. */
export function systemInstructions(system: unknown): MessagePart[] | undefined {
  if (typeof system === 'string') return [textPart(system)];
  if (Array.isArray(system)) return blockParts(system);
  return undefined;
}

/** Messages API `messages` as GenAI input messages; tool results stay in the user turn that carries them. */
export function inputMessages(messages: unknown): InputMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.filter(isObj).map((m) => ({ role: str(m.role) ?? 'user', parts: contentParts(m.content) }));
}

/** The parts of a message `content`: a string or a list of content blocks. */
export function contentParts(content: unknown): MessagePart[] {
  if (typeof content === 'string') return [textPart(content)];
  return Array.isArray(content) ? blockParts(content) : [];
}

/** Content blocks (request or reply) as GenAI parts. */
export function blockParts(blocks: readonly unknown[]): MessagePart[] {
  const parts: MessagePart[] = [];
  for (const block of blocks) {
    if (!isObj(block)) continue;
    const part = blockPart(block);
    if (part) parts.push(part);
  }
  return parts;
}

function blockPart(block: Obj): MessagePart | undefined {
  const type = str(block.type) ?? 'unknown';
  switch (type) {
    case 'text':
      return textPart(String(block.text ?? ''));
    case 'thinking':
      return reasoningPart(String(block.thinking ?? ''));
    case 'tool_use':
      return toolCallPart(block.id, block.name, block.input);
    case 'tool_result':
      return toolResponsePart(block.tool_use_id, textOf(block.content) ?? block.content ?? null);
    case 'image':
      return sourcePart(block.source, 'image');
    case 'document':
      return sourcePart(block.source, 'document');
    case 'server_tool_use':
    case 'mcp_tool_use':
      return {
        type: 'server_tool_call',
        id: str(block.id) ?? null,
        name: str(block.name) ?? type,
        server_tool_call: { type: str(block.name) ?? type, input: parseArguments(block.input) },
      };
    default:
      // Results of tools Anthropic runs itself (`web_search_tool_result`, `code_execution_tool_result`...).
      if (type.endsWith('_tool_result')) {
        return {
          type: 'server_tool_call_response',
          id: str(block.tool_use_id) ?? null,
          server_tool_call_response: { type },
        };
      }
      // Redacted thinking and newer block types: recorded by type only, their payload is opaque.
      return { type };
  }
}

function sourcePart(source: unknown, modality: string): MessagePart | undefined {
  if (!isObj(source)) return undefined;
  const mime = str(source.media_type) ?? null;
  switch (source.type) {
    case 'base64':
      return dataUrlPart(`data:${mime ?? ''};base64,${String(source.data ?? '')}`, modality);
    case 'url':
      return uriPart(String(source.url ?? ''), modality, mime);
    case 'file':
      return filePart(String(source.file_id ?? ''), modality, mime);
    case 'text':
      return textPart(String(source.data ?? ''));
    case 'content':
      return { type: 'text', content: textOf(source.content) ?? '' };
    default:
      return { type: String(source.type ?? 'unknown') };
  }
}
