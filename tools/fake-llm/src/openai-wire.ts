import { type Completion, estimateTokens, splitInto, splitText } from './script.js';
import type { SseEvent } from './sse.js';

type Obj = Record<string, unknown>;

/** A fixed timestamp, so that replies are byte-for-byte deterministic. */
export const CREATED_AT = 1_700_000_000;

/** Tool-call arguments are streamed in this many deltas, so clients must reassemble them. */
const ARGUMENT_PARTS = 4;

const DEFAULT_ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Forbidden.' },
  404: { type: 'invalid_request_error', code: null, message: 'Not found.' },
  429: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests.' },
};
const SERVER_ERROR = {
  type: 'server_error',
  code: null,
  message: 'The server had an error while processing your request. Sorry about that!',
};

/** The OpenAI error body `{"error":{"message","type","param","code"}}` for a status. */
export function openaiErrorBody(
  status: number,
  overrides: {
    message?: string | undefined;
    type?: string | undefined;
    code?: string | null | undefined;
  } = {},
): Obj {
  const defaults = DEFAULT_ERRORS[status] ?? (status >= 500 ? SERVER_ERROR : DEFAULT_ERRORS[400]!);
  return {
    error: {
      message: overrides.message ?? defaults.message,
      type: overrides.type ?? defaults.type,
      param: null,
      code: overrides.code === undefined ? defaults.code : overrides.code,
    },
  };
}

function choiceCount(body: Obj): number {
  return typeof body.n === 'number' && Number.isInteger(body.n) && body.n > 1 ? body.n : 1;
}

const chatId = (c: Completion) => c.id ?? `chatcmpl-fake${c.seq}`;
const callId = (c: Completion, i: number) => c.toolCalls[i]?.id ?? `call_fake_${c.seq}_${i}`;

function chatUsage(c: Completion): Obj {
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = c.usage;
  return {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    prompt_tokens_details: { cached_tokens: cachedInputTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** A `chat.completion` object (non-streaming reply); `n` choices carry the same scripted message. */
export function chatCompletionBody(c: Completion, body: Obj): Obj {
  const toolCalls = c.toolCalls.map((call, i) => ({
    id: callId(c, i),
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
  }));
  const message = {
    role: 'assistant',
    content: c.text ?? null,
    refusal: null,
    annotations: [],
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  return {
    id: chatId(c),
    object: 'chat.completion',
    created: CREATED_AT,
    model: c.model,
    choices: Array.from({ length: choiceCount(body) }, (_, index) => ({
      index,
      message,
      logprobs: null,
      finish_reason: c.finishReason,
    })),
    usage: chatUsage(c),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

/**
 * The `chat.completion.chunk` events of a streamed reply, ending with `[DONE]`: a role chunk, text deltas,
 * tool calls (id and name first, then argument deltas), a finish chunk per choice, and a usage-only chunk
 * with `choices: []` only when `stream_options.include_usage` is set.
 */
export function chatCompletionEvents(c: Completion, body: Obj): SseEvent[] {
  const streamOptions = typeof body.stream_options === 'object' ? (body.stream_options as Obj | null) : null;
  const includeUsage = streamOptions?.include_usage === true;
  // With include_usage, the API sends `usage: null` on every chunk before the usage-only one.
  const chunk = (choices: Obj[], usage: Obj | null = null): SseEvent => ({
    data: {
      id: chatId(c),
      object: 'chat.completion.chunk',
      created: CREATED_AT,
      model: c.model,
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
      choices,
      ...(includeUsage ? { usage } : {}),
    },
  });
  const delta = (index: number, d: Obj, finishReason: string | null = null) =>
    chunk([{ index, delta: d, logprobs: null, finish_reason: finishReason }]);

  const events: SseEvent[] = [];
  for (let index = 0; index < choiceCount(body); index++) {
    events.push(
      delta(index, { role: 'assistant', content: c.text === undefined ? null : '', refusal: null }),
    );
    for (const piece of splitText(c.text ?? '')) events.push(delta(index, { content: piece }));
    c.toolCalls.forEach((call, i) => {
      const head = {
        index: i,
        id: callId(c, i),
        type: 'function',
        function: { name: call.name, arguments: '' },
      };
      events.push(delta(index, { tool_calls: [head] }));
      for (const piece of splitInto(call.arguments, ARGUMENT_PARTS)) {
        events.push(delta(index, { tool_calls: [{ index: i, function: { arguments: piece } }] }));
      }
    });
    if (c.streamError) {
      // Mid-stream failures arrive as a bare `{"error":{...}}` payload, which the SDK turns into an APIError.
      events.push({ data: openaiErrorBody(500, c.streamError) });
      return events;
    }
    events.push(delta(index, {}, c.finishReason));
  }
  if (includeUsage) events.push(chunk([], chatUsage(c)));
  events.push({ data: '[DONE]' });
  return events;
}

function responsesUsage(c: Completion): Obj {
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = c.usage;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: cachedInputTokens },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
}

/** The output items of a Responses reply, in order: reasoning, message, function calls (all completed). */
function responseOutput(c: Completion): Obj[] {
  const items: Obj[] = [];
  if (c.thinking !== undefined) {
    items.push({
      id: `rs_fake${c.seq}`,
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: c.thinking }],
    });
  }
  if (c.text !== undefined) {
    items.push({
      id: `msg_fake${c.seq}`,
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [outputText(c.text)],
    });
  }
  c.toolCalls.forEach((call, i) => {
    items.push({
      id: `fc_fake${c.seq}_${i}`,
      type: 'function_call',
      status: 'completed',
      arguments: call.arguments,
      call_id: callId(c, i),
      name: call.name,
    });
  });
  return items;
}

const outputText = (text: string) => ({ type: 'output_text', annotations: [], logprobs: [], text });

function responseObject(c: Completion, body: Obj, final: boolean, output: Obj[]): Obj {
  const incomplete =
    c.finishReason === 'length'
      ? 'max_output_tokens'
      : c.finishReason === 'content_filter'
        ? 'content_filter'
        : null;
  const status = !final ? 'in_progress' : incomplete ? 'incomplete' : 'completed';
  return {
    id: c.id ?? `resp_fake${c.seq}`,
    object: 'response',
    created_at: CREATED_AT,
    status,
    background: false,
    error: null,
    incomplete_details: final && incomplete ? { reason: incomplete } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: null,
    model: c.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_logprobs: 0,
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage: final ? responsesUsage(c) : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

/** A Responses API `response` object (non-streaming reply). */
export function responseBody(c: Completion, body: Obj): Obj {
  return responseObject(c, body, true, responseOutput(c));
}

/**
 * The events of a streamed Responses reply (each with `event:` and `sequence_number`): `response.created`,
 * `response.in_progress`, per output item `output_item.added` / deltas / `.done`, then `response.completed`
 * (or `response.incomplete`). No `[DONE]`: this API ends the stream after the last event.
 */
export function responseEvents(c: Completion, body: Obj): SseEvent[] {
  const events: SseEvent[] = [];
  const emit = (type: string, fields: Obj) =>
    events.push({ event: type, data: { type, sequence_number: events.length, ...fields } });
  emit('response.created', { response: responseObject(c, body, false, []) });
  emit('response.in_progress', { response: responseObject(c, body, false, []) });
  responseOutput(c).forEach((item, output_index) => {
    const item_id = item.id;
    if (item.type === 'reasoning') {
      const text = c.thinking ?? '';
      const where = { item_id, output_index, summary_index: 0 };
      emit('response.output_item.added', { output_index, item: { ...item, summary: [] } });
      emit('response.reasoning_summary_part.added', { ...where, part: { type: 'summary_text', text: '' } });
      for (const delta of splitText(text)) emit('response.reasoning_summary_text.delta', { ...where, delta });
      emit('response.reasoning_summary_text.done', { ...where, text });
      emit('response.reasoning_summary_part.done', { ...where, part: { type: 'summary_text', text } });
    } else if (item.type === 'message') {
      const text = c.text ?? '';
      const where = { item_id, output_index, content_index: 0 };
      emit('response.output_item.added', {
        output_index,
        item: { ...item, status: 'in_progress', content: [] },
      });
      emit('response.content_part.added', { ...where, part: outputText('') });
      for (const delta of splitText(text))
        emit('response.output_text.delta', { ...where, delta, logprobs: [] });
      emit('response.output_text.done', { ...where, text, logprobs: [] });
      emit('response.content_part.done', { ...where, part: outputText(text) });
    } else {
      const args = String(item.arguments);
      emit('response.output_item.added', {
        output_index,
        item: { ...item, status: 'in_progress', arguments: '' },
      });
      for (const delta of splitInto(args, ARGUMENT_PARTS)) {
        emit('response.function_call_arguments.delta', { item_id, output_index, delta });
      }
      emit('response.function_call_arguments.done', { item_id, output_index, arguments: args });
    }
    emit('response.output_item.done', { output_index, item });
  });
  if (c.streamError) {
    const error = openaiErrorBody(500, c.streamError).error as Obj;
    emit('error', { code: error.type, message: error.message, param: null });
    return events;
  }
  const done = responseObject(c, body, true, responseOutput(c));
  emit(done.status === 'completed' ? 'response.completed' : 'response.incomplete', { response: done });
  return events;
}

/** Deterministic unit vectors: hashed bag of words, so texts sharing words get a higher cosine similarity. */
export function embeddingVector(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [text];
  for (const word of words) {
    const hash = fnv1a(word);
    vector[hash % dimensions]! += hash & 0x8000_0000 ? -1 : 1;
    vector[(hash >>> 7) % dimensions]! += 0.5;
  }
  const norm = Math.hypot(...vector) || 1;
  // Rounded to float32 so the float and base64 encodings decode to the same numbers.
  return vector.map((v) => Math.fround(v / norm));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

function toBase64Float32(vector: number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  for (const [i, v] of vector.entries()) view.setFloat32(i * 4, v, true);
  return Buffer.from(view.buffer).toString('base64');
}

/** An embeddings `list`: float arrays, or little-endian float32 base64 when `encoding_format` is `base64`. */
export function embeddingsBody(body: Obj, model: string, inputTokens: number | undefined): Obj {
  const inputs = Array.isArray(body.input) && typeof body.input[0] !== 'number' ? body.input : [body.input];
  const texts = inputs.map((input) => (typeof input === 'string' ? input : JSON.stringify(input ?? '')));
  const dimensions = typeof body.dimensions === 'number' && body.dimensions > 0 ? body.dimensions : 64;
  const tokens = inputTokens ?? texts.reduce((sum, text) => sum + estimateTokens(text.length), 0);
  return {
    object: 'list',
    data: texts.map((text, index) => {
      const vector = embeddingVector(text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: body.encoding_format === 'base64' ? toBase64Float32(vector) : vector,
      };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** A `GET /v1/models` list. */
export function modelsBody(): Obj {
  const ids = ['gpt-4o', 'gpt-4o-mini', 'o4-mini', 'text-embedding-3-small', 'text-embedding-3-large'];
  return {
    object: 'list',
    data: ids.map((id) => ({ id, object: 'model', created: CREATED_AT, owned_by: 'fake-llm' })),
  };
}
