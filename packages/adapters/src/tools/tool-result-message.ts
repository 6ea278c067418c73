/** A tool call from a Chat Completions message (`choices[0].message.tool_calls[i]`). */
export interface OpenAIChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A function call item from a Responses API output (`response.output[i]` with `type: 'function_call'`). */
export interface OpenAIResponsesFunctionCall {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
  id?: string;
}

/** A tool use block from an Anthropic message (`message.content[i]` with `type: 'tool_use'`). */
export interface AnthropicToolUse {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

/** A tool call in any of the supported API shapes. */
export type ToolCall = OpenAIChatToolCall | OpenAIResponsesFunctionCall | AnthropicToolUse;

/** The Chat Completions message that answers a tool call. */
export interface OpenAIChatToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string;
}

/** The Responses API input item that answers a function call. */
export interface OpenAIResponsesFunctionCallOutput {
  type: 'function_call_output';
  call_id: string;
  output: string;
}

/** The Anthropic content block that answers a tool use; put it in a `{ role: 'user', content: [...] }` message. */
export interface AnthropicToolResult {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

/** The tool-result message or block for a given tool-call shape. */
export type ToolResultMessage<C extends ToolCall = ToolCall> = C extends OpenAIChatToolCall
  ? OpenAIChatToolMessage
  : C extends OpenAIResponsesFunctionCall
    ? OpenAIResponsesFunctionCallOutput
    : AnthropicToolResult;

/** A tool call reduced to what running it needs. */
export interface NormalizedToolCall {
  api: 'openai-chat' | 'openai-responses' | 'anthropic';
  id: string | undefined;
  name: string;
  /** A JSON string (OpenAI) or an already parsed object (Anthropic). */
  arguments: unknown;
}

/** Reads a tool call in any supported shape; throws a TypeError naming the shapes for anything else. */
export function normalizeToolCall(call: unknown): NormalizedToolCall {
  const c = call as Record<string, any> | null;
  if (c !== null && typeof c === 'object') {
    if (c.type === 'function' && c.function && typeof c.function.name === 'string') {
      return { api: 'openai-chat', id: c.id, name: c.function.name, arguments: c.function.arguments };
    }
    if (c.type === 'function_call' && typeof c.name === 'string') {
      return { api: 'openai-responses', id: c.call_id, name: c.name, arguments: c.arguments };
    }
    if (c.type === 'tool_use' && typeof c.name === 'string') {
      return { api: 'anthropic', id: c.id, name: c.name, arguments: c.input };
    }
  }
  const type = c !== null && typeof c === 'object' ? JSON.stringify(c.type) : typeof call;
  throw new TypeError(
    `Unsupported tool call (type ${type}); expected an OpenAI chat tool call ({ type: 'function', function }), ` +
      `a Responses function_call item or an Anthropic tool_use block`,
  );
}

/**
 * Builds the message (OpenAI) or content block (Anthropic) that hands a tool's result, or its error, back
 * to the model, in the shape of the API the call came from.
 */
export function toolResultMessage<C extends ToolCall>(call: C, result: unknown): ToolResultMessage<C>;
export function toolResultMessage(call: ToolCall, result: unknown): ToolResultMessage {
  const { api, id } = normalizeToolCall(call);
  const isError = result instanceof Error;
  const content = isError ? `Error: ${result.message}` : stringifyResult(result);
  const callId = id ?? '';
  if (api === 'openai-chat') return { role: 'tool', tool_call_id: callId, content };
  if (api === 'openai-responses') return { type: 'function_call_output', call_id: callId, output: content };
  return { type: 'tool_result', tool_use_id: callId, content, ...(isError ? { is_error: true } : {}) };
}

function stringifyResult(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result === undefined) return '';
  try {
    return (
      JSON.stringify(result, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)) ?? ''
    );
  } catch {
    return String(result);
  }
}
