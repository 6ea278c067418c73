/** A tool call the fake model asks for. */
export interface ScriptToolCall {
  /** Defaults to a deterministic id with the wire format's prefix (`call_`, `toolu_`). */
  id?: string;
  name: string;
  /** An object is sent as JSON; a string is sent verbatim, so malformed arguments can be scripted too. */
  arguments?: Record<string, unknown> | string;
}

/** Token counts, written verbatim to each wire format's usage fields (no conversion between conventions). */
export interface ScriptUsage {
  /** OpenAI `prompt_tokens`/`input_tokens` (which include cached tokens); Anthropic `input_tokens` (which exclude them). */
  inputTokens?: number;
  outputTokens?: number;
  /** OpenAI `cached_tokens`; Anthropic `cache_read_input_tokens`. */
  cachedInputTokens?: number;
  /** Anthropic `cache_creation_input_tokens` (OpenAI has no such field). */
  cacheCreationInputTokens?: number;
  /** The part of `cacheCreationInputTokens` written to the one-hour cache (`cache_creation.ephemeral_1h_input_tokens`). */
  cacheCreation1hInputTokens?: number;
  /** OpenAI `reasoning_tokens`; Anthropic `output_tokens_details.thinking_tokens`. */
  reasoningTokens?: number;
}

/** An HTTP error answered instead of a reply, in the wire format's error shape. */
export interface ScriptError {
  status: number;
  message?: string;
  /** Defaults to the provider's type for the status (`rate_limit_error`, `server_error`, ...). */
  type?: string;
  /** OpenAI only: `error.code`. */
  code?: string | null;
  /** Sent as `retry-after-ms`; defaults to 1 so SDK retries in tests are fast. */
  retryAfterMs?: number;
}

/** An error event sent inside a stream after the content deltas, in place of the stream's normal ending. */
export interface ScriptStreamError {
  message?: string;
  type?: string;
}

/** Why the model stopped; the four portable values are mapped to each wire format, other strings are sent verbatim. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | (string & {});

/** What the fake model answers to one request, independent of the wire format. */
export interface Script {
  text?: string;
  toolCalls?: ScriptToolCall[];
  /** A reasoning block: Anthropic `thinking` content block, OpenAI Responses `reasoning` summary (ignored by chat completions). */
  thinking?: string;
  /** The Anthropic thinking block's signature (defaults to a deterministic string). */
  thinkingSignature?: string;
  /** Missing counts are estimated from the request and reply (about four characters a token). */
  usage?: ScriptUsage;
  error?: ScriptError;
  streamError?: ScriptStreamError;
  /** Streams only: the server destroys the socket after this many SSE events; other requests get a reset connection. */
  cutAfterChunks?: number;
  /** Streams only: delay before each SSE event after the first. */
  chunkDelayMs?: number;
  /** Delay before the response starts (time to first byte). */
  latencyMs?: number;
  /** Defaults to `tool_calls` when tool calls are scripted, otherwise `stop`. */
  finishReason?: FinishReason;
  /** The response's model; defaults to the requested model. */
  model?: string;
  /** The response's id; defaults to a deterministic id with the wire format's prefix. */
  id?: string;
}

/** A script with every field the wire builders need filled in. */
export interface Completion {
  /** 1-based request number on this server, used to derive deterministic ids. */
  seq: number;
  id: string | undefined;
  model: string;
  text: string | undefined;
  thinking: string | undefined;
  thinkingSignature: string;
  toolCalls: { id: string | undefined; name: string; arguments: string }[];
  usage: Required<ScriptUsage>;
  finishReason: FinishReason;
  streamError: ScriptStreamError | undefined;
}

/** Fills in the defaults of a script for a request body. */
export function resolveCompletion(script: Script, body: Record<string, unknown>, seq: number): Completion {
  const toolCalls = (script.toolCalls ?? []).map((call) => ({
    id: call.id,
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
  const outputChars =
    (script.text ?? '').length +
    (script.thinking ?? '').length +
    toolCalls.reduce((sum, call) => sum + call.name.length + call.arguments.length, 0);
  const reasoningTokens = script.usage?.reasoningTokens ?? 0;
  return {
    seq,
    id: script.id,
    model: script.model ?? (typeof body.model === 'string' ? body.model : 'fake-model'),
    text: script.text,
    thinking: script.thinking,
    thinkingSignature: script.thinkingSignature ?? `fake-signature-${seq}`,
    toolCalls,
    usage: {
      inputTokens: script.usage?.inputTokens ?? estimateTokens(JSON.stringify(promptOf(body) ?? '').length),
      outputTokens: script.usage?.outputTokens ?? estimateTokens(outputChars) + reasoningTokens,
      cachedInputTokens: script.usage?.cachedInputTokens ?? 0,
      cacheCreationInputTokens: script.usage?.cacheCreationInputTokens ?? 0,
      cacheCreation1hInputTokens: script.usage?.cacheCreation1hInputTokens ?? 0,
      reasoningTokens,
    },
    finishReason: script.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    streamError: script.streamError,
  };
}

function promptOf(body: Record<string, unknown>): unknown {
  return body.messages ?? body.input ?? body.prompt;
}

/** A deterministic, tokenizer-free estimate: about four characters a token, at least one. */
export function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}

/** Splits text into word-sized deltas (each word keeps its trailing whitespace), as a model streams it. */
export function splitText(text: string): string[] {
  return text.match(/\s*\S+\s*/gu) ?? (text === '' ? [] : [text]);
}

/** Splits a string into `parts` pieces on code-point boundaries, cutting through keys and values on purpose. */
export function splitInto(text: string, parts: number): string[] {
  const chars = Array.from(text);
  const size = Math.max(1, Math.ceil(chars.length / parts));
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}
