import { type Completion, splitInto, splitText } from './script.js';
import type { SseEvent } from './sse.js';

type Obj = Record<string, unknown>;

/** Tool inputs are streamed in this many `input_json_delta` pieces (after an empty first one, as the API does). */
const INPUT_JSON_PARTS = 4;

const ERRORS: Record<number, [type: string, message: string]> = {
  400: ['invalid_request_error', 'Invalid request.'],
  401: ['authentication_error', 'invalid x-api-key'],
  403: ['permission_error', 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', 'Not found'],
  413: ['request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit.'],
  500: ['api_error', 'Internal server error'],
  529: ['overloaded_error', 'Overloaded'],
};

/** The Anthropic error body `{"type":"error","error":{"type","message"},"request_id"}` for a status. */
export function anthropicErrorBody(
  status: number,
  overrides: { message?: string | undefined; type?: string | undefined },
  requestId: string,
): Obj {
  const [type, message] = ERRORS[status] ?? (status >= 500 ? ERRORS[500]! : ERRORS[400]!);
  return {
    type: 'error',
    error: { type: overrides.type ?? type, message: overrides.message ?? message },
    request_id: requestId,
  };
}

const STOP_REASONS: Record<string, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
};

const stopReason = (c: Completion) => STOP_REASONS[c.finishReason] ?? c.finishReason;
const toolUseId = (c: Completion, i: number) => c.toolCalls[i]?.id ?? `toolu_fake_${c.seq}_${i}`;

function usage(c: Completion, outputTokens: number): Obj {
  const {
    inputTokens,
    cachedInputTokens,
    cacheCreationInputTokens,
    cacheCreation1hInputTokens,
    reasoningTokens,
  } = c.usage;
  return {
    input_tokens: inputTokens,
    cache_creation_input_tokens: cacheCreationInputTokens,
    cache_read_input_tokens: cachedInputTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: cacheCreationInputTokens - cacheCreation1hInputTokens,
      ephemeral_1h_input_tokens: cacheCreation1hInputTokens,
    },
    output_tokens: outputTokens,
    output_tokens_details: reasoningTokens > 0 ? { thinking_tokens: reasoningTokens } : null,
    server_tool_use: null,
    service_tier: 'standard',
  };
}

function parseInput(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    // Scripted malformed arguments cannot be an object; pass them through rather than hide them.
    return json;
  }
}

/** The content blocks of a reply, in order: thinking, text, tool uses. */
function contentBlocks(c: Completion): Obj[] {
  const blocks: Obj[] = [];
  if (c.thinking !== undefined) {
    blocks.push({ type: 'thinking', thinking: c.thinking, signature: c.thinkingSignature });
  }
  if (c.text !== undefined) blocks.push({ type: 'text', text: c.text, citations: null });
  c.toolCalls.forEach((call, i) => {
    blocks.push({
      type: 'tool_use',
      id: toolUseId(c, i),
      name: call.name,
      input: parseInput(call.arguments),
      caller: { type: 'direct' },
    });
  });
  return blocks;
}

function message(c: Completion, content: Obj[], final: boolean): Obj {
  return {
    id: c.id ?? `msg_fake${c.seq}`,
    type: 'message',
    role: 'assistant',
    model: c.model,
    content,
    stop_reason: final ? stopReason(c) : null,
    stop_sequence: null,
    stop_details: null,
    container: null,
    // message_start reports a provisional output count; the final one comes in message_delta.
    usage: usage(c, final ? c.usage.outputTokens : 1),
  };
}

/** An Anthropic `message` object (non-streaming reply). */
export function messageBody(c: Completion): Obj {
  return message(c, contentBlocks(c), true);
}

/**
 * The events of a streamed Messages reply, each with its `event:` name (the SDK ignores unnamed events):
 * `message_start`, per block `content_block_start` / deltas / `content_block_stop` (a `ping` after the
 * first start), `message_delta` with the stop reason and final usage, `message_stop`.
 */
export function messageEvents(c: Completion): SseEvent[] {
  const events: SseEvent[] = [];
  const emit = (type: string, fields: Obj = {}) => events.push({ event: type, data: { type, ...fields } });
  emit('message_start', { message: message(c, [], false) });
  contentBlocks(c).forEach((block, index) => {
    const [start, deltas] = blockEvents(c, block, index);
    emit('content_block_start', { index, content_block: start });
    // The API sends a keep-alive `ping` right after the first block starts; clients must skip it.
    if (index === 0) emit('ping');
    for (const delta of deltas) emit('content_block_delta', { index, delta });
    emit('content_block_stop', { index });
  });
  if (c.streamError) {
    const { type = 'overloaded_error', message = 'Overloaded' } = c.streamError;
    emit('error', { error: { type, message } });
    return events;
  }
  const { inputTokens, outputTokens, cachedInputTokens, cacheCreationInputTokens } = c.usage;
  emit('message_delta', {
    delta: { stop_reason: stopReason(c), stop_sequence: null, stop_details: null, container: null },
    // The output count is final here; the input counts repeat message_start's (cumulative totals).
    usage: {
      input_tokens: inputTokens,
      cache_creation_input_tokens: cacheCreationInputTokens,
      cache_read_input_tokens: cachedInputTokens,
      output_tokens: outputTokens,
      output_tokens_details: usage(c, outputTokens).output_tokens_details,
      server_tool_use: null,
    },
  });
  emit('message_stop');
  return events;
}

/** The opening form of a block and the deltas that complete it. */
function blockEvents(c: Completion, block: Obj, index: number): [Obj, Obj[]] {
  if (block.type === 'thinking') {
    const deltas = splitText(String(block.thinking)).map((thinking) => ({
      type: 'thinking_delta',
      thinking,
    }));
    return [
      { type: 'thinking', thinking: '', signature: '' },
      [...deltas, { type: 'signature_delta', signature: block.signature }],
    ];
  }
  if (block.type === 'text') {
    const deltas = splitText(String(block.text)).map((text) => ({ type: 'text_delta', text }));
    return [{ type: 'text', text: '', citations: null }, deltas];
  }
  const firstTool = (c.thinking === undefined ? 0 : 1) + (c.text === undefined ? 0 : 1);
  const json = c.toolCalls[index - firstTool]?.arguments ?? '';
  const pieces = ['', ...splitInto(json, INPUT_JSON_PARTS)];
  return [
    { ...block, input: {} },
    pieces.map((partial_json) => ({ type: 'input_json_delta', partial_json })),
  ];
}
