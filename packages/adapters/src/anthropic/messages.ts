import { ATTR, SpanType } from '@glassbox/core';
import type { LlmCall, StreamAggregator } from '../internal/llm/llm-call.js';
import {
  appendBounded,
  isObj,
  mapFinishReason,
  num,
  type Obj,
  type OutputMessage,
  str,
} from '../internal/llm/parts.js';
import { type LlmMethodSpec, put } from '../internal/llm/trace-method.js';
import { blockParts, inputMessages, systemInstructions } from './content-blocks.js';

/** Anthropic stop reasons mapped to the GenAI finish reasons; others (e.g. `pause_turn`) pass through. */
const STOP_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_call',
  refusal: 'content_filter',
};

/** `messages.create` (and the `stream()`/`parse()` helpers built on it): operation `chat`. */
export const messagesSpec: LlmMethodSpec = {
  operation: 'chat',
  type: SpanType.LLM,
  request(params, attributes) {
    put(attributes, ATTR.GEN_AI_REQUEST_TEMPERATURE, num(params.temperature));
    put(attributes, ATTR.GEN_AI_REQUEST_TOP_P, num(params.top_p));
    put(attributes, ATTR.GEN_AI_REQUEST_TOP_K, num(params.top_k));
    put(attributes, ATTR.GEN_AI_REQUEST_MAX_TOKENS, num(params.max_tokens));
    if (Array.isArray(params.stop_sequences)) {
      attributes[ATTR.GEN_AI_REQUEST_STOP_SEQUENCES] = params.stop_sequences;
    }
    put(attributes, ATTR.GEN_AI_OUTPUT_TYPE, outputType(params));
  },
  input(params, call) {
    call.content(ATTR.GEN_AI_SYSTEM_INSTRUCTIONS, systemInstructions(params.system));
    call.content(ATTR.GEN_AI_INPUT_MESSAGES, inputMessages(params.messages));
    call.content(ATTR.GEN_AI_TOOL_DEFINITIONS, toolDefinitions(params.tools));
  },
  response(message, call) {
    recordMessage(call, message, message.usage, message.stop_reason);
    call.content(ATTR.GEN_AI_OUTPUT_MESSAGES, [
      outputMessage(Array.isArray(message.content) ? message.content : [], message.stop_reason),
    ]);
  },
  stream: (_params, call) => new MessageEvents(call.contentOn, call.capture.maxValueLength),
};

function outputType(params: Obj): string | undefined {
  const format = isObj(params.output_config) ? params.output_config.format : params.output_format;
  return isObj(format) && str(format.type) === 'json_schema' ? 'json' : undefined;
}

function toolDefinitions(tools: unknown): Obj[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  return tools.filter(isObj).map((tool) =>
    // Client tools have no type (or `custom`); server tools keep their own versioned type.
    tool.type === undefined || tool.type === 'custom'
      ? {
          type: 'function',
          name: str(tool.name) ?? '',
          description: str(tool.description),
          parameters: tool.input_schema,
        }
      : { ...tool },
  );
}

function finishReason(stopReason: unknown): string {
  return mapFinishReason(stopReason, STOP_REASONS) ?? '';
}

function outputMessage(blocks: readonly unknown[], stopReason: unknown): OutputMessage {
  return { role: 'assistant', parts: blockParts(blocks), finish_reason: finishReason(stopReason) };
}

/**
 * Usage per the GenAI convention for Anthropic: `gen_ai.usage.input_tokens` is Anthropic's
 * `input_tokens` (which excludes cached tokens) plus cache reads plus cache writes, so it counts
 * every input token as OpenAI's does; the cache counts are also reported on their own.
 */
export function recordUsage(call: LlmCall, usage: unknown): void {
  if (!isObj(usage)) return;
  const input = num(usage.input_tokens);
  const cacheRead = num(usage.cache_read_input_tokens);
  const cacheCreation = num(usage.cache_creation_input_tokens);
  if (input !== undefined) {
    call.attr(ATTR.GEN_AI_USAGE_INPUT_TOKENS, input + (cacheRead ?? 0) + (cacheCreation ?? 0));
  }
  call.attr(ATTR.GEN_AI_USAGE_OUTPUT_TOKENS, num(usage.output_tokens));
  call.attr(ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cacheRead);
  call.attr(ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, cacheCreation);
  // One-hour cache writes cost more than five-minute ones; the cost hook prices this share apart.
  const oneHour = isObj(usage.cache_creation)
    ? num(usage.cache_creation.ephemeral_1h_input_tokens)
    : undefined;
  if (oneHour !== undefined && oneHour > 0) call.attr(ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS, oneHour);
  if (isObj(usage.output_tokens_details)) {
    call.attr(ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, num(usage.output_tokens_details.thinking_tokens));
  }
}

function recordMessage(call: LlmCall, message: Obj, usage: unknown, stopReason: unknown): void {
  const reason = finishReason(stopReason);
  call.attr(ATTR.GEN_AI_RESPONSE_ID, str(message.id));
  call.attr(ATTR.GEN_AI_RESPONSE_MODEL, str(message.model));
  if (reason) call.attr(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, [reason]);
  recordUsage(call, usage);
}

interface BlockState {
  block: Obj;
  text: string;
}

/** Folds Messages stream events: `message_start`, content block deltas (text, tool input JSON, thinking), `message_delta`. */
class MessageEvents implements StreamAggregator {
  private message: Obj = {};
  private usage: Obj = {};
  private stopReason: unknown;
  private readonly blocks = new Map<number, BlockState>();

  // `limit` is the span's `maxValueLength`: streamed text is kept up to it, not beyond.
  constructor(
    private readonly keepContent: boolean,
    private readonly limit: number,
  ) {}

  add(event: unknown): boolean {
    if (!isObj(event)) return false;
    switch (event.type) {
      case 'message_start':
        if (isObj(event.message)) {
          this.message = event.message;
          if (isObj(event.message.usage)) this.usage = { ...event.message.usage };
        }
        return false;
      case 'message_delta':
        if (isObj(event.delta) && event.delta.stop_reason) this.stopReason = event.delta.stop_reason;
        // The delta's counts are cumulative totals; a field it leaves null keeps message_start's value.
        if (isObj(event.usage)) {
          for (const [key, value] of Object.entries(event.usage)) if (value != null) this.usage[key] = value;
        }
        return false;
      case 'content_block_start':
        if (this.keepContent && isObj(event.content_block)) {
          this.blocks.set(num(event.index) ?? this.blocks.size, { block: event.content_block, text: '' });
        }
        return false;
      case 'content_block_delta':
        return this.delta(num(event.index) ?? 0, isObj(event.delta) ? event.delta : {});
      default:
        return false;
    }
  }

  finish(call: LlmCall): void {
    recordMessage(call, this.message, this.usage, this.stopReason);
    if (!this.keepContent) return;
    const blocks = [...this.blocks.keys()]
      .sort((a, b) => a - b)
      .map((i) => this.complete(this.blocks.get(i)!));
    call.content(ATTR.GEN_AI_OUTPUT_MESSAGES, [outputMessage(blocks, this.stopReason)]);
  }

  private delta(index: number, delta: Obj): boolean {
    const piece =
      delta.type === 'text_delta'
        ? delta.text
        : delta.type === 'input_json_delta'
          ? delta.partial_json
          : delta.type === 'thinking_delta'
            ? delta.thinking
            : undefined;
    if (typeof piece !== 'string') return false;
    const state = this.blocks.get(index);
    if (state) state.text = appendBounded(state.text, piece, this.limit);
    return piece !== '';
  }

  private complete({ block, text }: BlockState): Obj {
    switch (block.type) {
      case 'text':
        return { ...block, text: String(block.text ?? '') + text };
      case 'thinking':
        return { ...block, thinking: String(block.thinking ?? '') + text };
      case 'tool_use':
      case 'server_tool_use':
      case 'mcp_tool_use':
        // The input arrives as JSON text in pieces; a cut stream leaves it partial, kept as a string.
        return text === '' ? block : { ...block, input: text };
      default:
        return block;
    }
  }
}
