import { ATTR, SpanType } from '@glassbox/core';
import type { LlmCall, StreamAggregator } from '../internal/llm/llm-call.js';
import { appendBounded, isObj, num, type Obj, str, textPart } from '../internal/llm/parts.js';
import { type LlmMethodSpec, put } from '../internal/llm/trace-method.js';
import { hasToolCall, outputItemParts, responsesInputMessages } from './responses-items.js';
import { outputType, recordUsage, toolDefinitions } from './shared.js';

/** `responses.create`: operation `chat`, non-streamed and streamed (Responses API events). */
export const responsesSpec: LlmMethodSpec = {
  operation: 'chat',
  type: SpanType.LLM,
  request(params, attributes) {
    put(attributes, ATTR.GEN_AI_REQUEST_TEMPERATURE, num(params.temperature));
    put(attributes, ATTR.GEN_AI_REQUEST_TOP_P, num(params.top_p));
    put(attributes, ATTR.GEN_AI_REQUEST_MAX_TOKENS, num(params.max_output_tokens));
    put(attributes, ATTR.GEN_AI_OUTPUT_TYPE, outputType(isObj(params.text) ? params.text.format : undefined));
    put(
      attributes,
      ATTR.GEN_AI_CONVERSATION_ID,
      isObj(params.conversation) ? str(params.conversation.id) : str(params.conversation),
    );
  },
  input(params, call) {
    if (typeof params.instructions === 'string') {
      call.content(ATTR.GEN_AI_SYSTEM_INSTRUCTIONS, [textPart(params.instructions)]);
    }
    call.content(ATTR.GEN_AI_INPUT_MESSAGES, responsesInputMessages(params.input));
    call.content(ATTR.GEN_AI_TOOL_DEFINITIONS, toolDefinitions(params.tools));
  },
  response: (response, call) => recordResponse(response, call),
  stream: (_params, call) => new ResponsesStream(call.contentOn, call.capture.maxValueLength),
};

/** Records a Responses API `response` object: id, model, finish reason, usage, output, failure. */
function recordResponse(response: Obj, call: LlmCall, items?: unknown[]): void {
  const output = items ?? (Array.isArray(response.output) ? response.output : []);
  const reason = finishReason(response, output);
  call.attr(ATTR.GEN_AI_RESPONSE_ID, str(response.id));
  call.attr(ATTR.GEN_AI_RESPONSE_MODEL, str(response.model));
  if (reason) call.attr(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, [reason]);
  recordUsage(call, response.usage);
  if (response.status === 'failed') {
    const error = isObj(response.error) ? response.error : {};
    call.markError(str(error.code) ?? 'response_failed', str(error.message) ?? 'response failed');
  }
  // The Responses API has one "choice": every output item belongs to one output message.
  call.content(ATTR.GEN_AI_OUTPUT_MESSAGES, [
    { role: 'assistant', parts: outputItemParts(output), finish_reason: reason ?? '' },
  ]);
}

function finishReason(response: Obj, output: readonly unknown[]): string | undefined {
  switch (response.status) {
    case 'completed':
      return hasToolCall(output) ? 'tool_call' : 'stop';
    case 'incomplete': {
      const why = isObj(response.incomplete_details) ? str(response.incomplete_details.reason) : undefined;
      return why === 'max_output_tokens' || why === undefined ? 'length' : why;
    }
    case 'failed':
      return 'error';
    default:
      return str(response.status);
  }
}

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);
const GENERATED = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
  'response.reasoning_summary_text.delta',
  'response.reasoning_text.delta',
]);

/** Folds Responses stream events; the final `response.*` event carries the whole response when the stream ends normally. */
class ResponsesStream implements StreamAggregator {
  private response: Obj | undefined;
  private final: Obj | undefined;
  private readonly items = new Map<number, { item: Obj; text: string; done: boolean }>();

  // `limit` is the span's `maxValueLength`: streamed text is kept up to it, not beyond.
  constructor(
    private readonly keepContent: boolean,
    private readonly limit: number,
  ) {}

  add(event: unknown): boolean {
    if (!isObj(event)) return false;
    const type = str(event.type) ?? '';
    if (isObj(event.response)) {
      if (TERMINAL.has(type)) this.final = event.response;
      else this.response = event.response;
    }
    if (!this.keepContent || this.final) return GENERATED.has(type);
    const index = num(event.output_index);
    if (index !== undefined) {
      if (
        (type === 'response.output_item.added' || type === 'response.output_item.done') &&
        isObj(event.item)
      ) {
        const entry = this.items.get(index);
        this.items.set(index, { item: event.item, text: entry?.text ?? '', done: type.endsWith('.done') });
      } else if (GENERATED.has(type)) {
        const entry = this.items.get(index);
        if (entry && !entry.done) entry.text = appendBounded(entry.text, event.delta, this.limit);
      }
    }
    return GENERATED.has(type);
  }

  finish(call: LlmCall): void {
    if (this.final) {
      recordResponse(this.final, call);
      return;
    }
    // The stream ended early (break, abort, cut connection): record what arrived so far.
    const response = this.response ?? {};
    call.attr(ATTR.GEN_AI_RESPONSE_ID, str(response.id));
    call.attr(ATTR.GEN_AI_RESPONSE_MODEL, str(response.model));
    if (!this.keepContent) return;
    const items = [...this.items.keys()].sort((a, b) => a - b).map((i) => partialItem(this.items.get(i)!));
    call.content(ATTR.GEN_AI_OUTPUT_MESSAGES, [
      { role: 'assistant', parts: outputItemParts(items), finish_reason: '' },
    ]);
  }
}

function partialItem(entry: { item: Obj; text: string; done: boolean }): Obj {
  const { item, text, done } = entry;
  if (done || text === '') return item;
  if (item.type === 'message') return { ...item, content: [{ type: 'output_text', text }] };
  if (item.type === 'function_call') return { ...item, arguments: text };
  if (item.type === 'custom_tool_call') return { ...item, input: text };
  if (item.type === 'reasoning') return { ...item, summary: [{ type: 'summary_text', text }] };
  return item;
}
