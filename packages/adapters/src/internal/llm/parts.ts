/**
 * Builders for the GenAI message parts schema (semantic conventions v1.37+): `gen_ai.input.messages`,
 * `gen_ai.output.messages` and `gen_ai.system_instructions` are arrays of `{ role, parts, finish_reason? }`
 * whose parts are `text`, `tool_call`, `tool_call_response`, `reasoning`, `blob`, `file`, `uri`,
 * `server_tool_call`, `server_tool_call_response` or a generic `{ type }` part.
 */

/** One part of a message, as the GenAI JSON schemas describe it. */
export type MessagePart = { type: string; [key: string]: unknown };

/** One input message: a role and its parts. */
export interface InputMessage {
  role: string;
  parts: MessagePart[];
  name?: string;
}

/** One output message (one choice): a role, its parts and why generation stopped. */
export interface OutputMessage extends InputMessage {
  finish_reason: string;
}

/** A loosely typed record, for reading SDK payloads structurally. */
export type Obj = Record<string, any>;

/** Tells whether a value is a non-null object (arrays included). */
export function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null;
}

/** A text part. */
export function textPart(content: string): MessagePart {
  return { type: 'text', content };
}

/** A tool call part; JSON argument strings are parsed so backends show them as objects. */
export function toolCallPart(id: unknown, name: unknown, args: unknown): MessagePart {
  return {
    type: 'tool_call',
    id: typeof id === 'string' ? id : null,
    name: typeof name === 'string' ? name : '',
    arguments: parseArguments(args),
  };
}

/** A tool result part. */
export function toolResponsePart(id: unknown, response: unknown): MessagePart {
  return { type: 'tool_call_response', id: typeof id === 'string' ? id : null, response };
}

/** A reasoning part. */
export function reasoningPart(content: string): MessagePart {
  return { type: 'reasoning', content };
}

/**
 * Parses tool-call arguments sent as a JSON string; a string that is not valid JSON (cut short by an
 * interrupted stream, or malformed by the model) is kept as it is, so nothing is hidden.
 */
export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? null;
  if (args === '') return null;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** The media type and modality of a `data:` URL, with the payload size instead of the payload. */
export function dataUrlPart(url: string, modality?: string): MessagePart {
  const comma = url.indexOf(',');
  const mime = url.slice(5, comma === -1 ? undefined : comma).split(';')[0] || null;
  return blobPart(mime, url.length - comma - 1, modality);
}

/**
 * A blob part without its bytes: inline base64 media would fill the value length limit and push the
 * conversation text out of the attribute, so only its type and size are recorded.
 */
export function blobPart(mimeType: string | null | undefined, size: number, modality?: string): MessagePart {
  return {
    type: 'blob',
    modality: modality ?? modalityOf(mimeType),
    mime_type: mimeType ?? null,
    content: `[${size} base64 characters omitted]`,
  };
}

/** A part that references media by URL. */
export function uriPart(uri: string, modality: string, mimeType?: string | null): MessagePart {
  return { type: 'uri', modality, mime_type: mimeType ?? null, uri };
}

/** A part that references a file uploaded to the provider. */
export function filePart(fileId: string, modality: string, mimeType?: string | null): MessagePart {
  return { type: 'file', modality, mime_type: mimeType ?? null, file_id: fileId };
}

/** The GenAI modality (`image`, `audio`, `video`, `document`) of a media type. */
export function modalityOf(mimeType: string | null | undefined): string {
  if (!mimeType) return 'document';
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  return 'document';
}

/** Text of a content value that is a string or a list of `{ text }` blocks (tool results, system prompts). */
export function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  let text = '';
  for (const block of content) if (isObj(block) && typeof block.text === 'string') text += block.text;
  return text;
}

/** The well-known GenAI finish reasons, for values the provider names differently. */
export function mapFinishReason(reason: unknown, table: Record<string, string>): string | undefined {
  if (typeof reason !== 'string') return undefined;
  return table[reason] ?? reason;
}

/** A number, or undefined for anything else (missing fields, nulls). */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A string, or undefined for anything else. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A text buffer that stops growing past `limit`: streams of any length keep bounded memory. */
export function appendBounded(buffer: string, piece: unknown, limit: number): string {
  if (typeof piece !== 'string' || piece === '' || buffer.length > limit) return buffer;
  return buffer + piece;
}
