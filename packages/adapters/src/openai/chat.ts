import { ATTR, SpanType } from '@glassbox/core';
import type { LlmCall, StreamAggregator } from '../internal/llm/llm-call.js';
import {
  appendBounded,
  isObj,
  type MessagePart,
  num,
  type OutputMessage,
  reasoningPart,
  str,
  textPart,
  toolCallPart,
} from '../internal/llm/parts.js';
import { type LlmMethodSpec, put } from '../internal/llm/trace-method.js';
import { chatChoiceMessage, chatInputMessages } from './chat-messages.js';
import {
  finishReason,
  outputType,
  putSampling,
  recordChoicesResponse,
  recordUsage,
  toolDefinitions,
} from './shared.js';

/** `chat.completions.create`: operation `chat`, non-streamed and streamed. */
export const chatCompletionsSpec: LlmMethodSpec = {
  operation: 'chat',
  type: SpanType.LLM,
  request(params, attributes) {
    putSampling(params, attributes);
    put(attributes, ATTR.GEN_AI_OUTPUT_TYPE, outputType(params.response_format));
  },
  input(params, call) {
    call.content(ATTR.GEN_AI_INPUT_MESSAGES, chatInputMessages(params.messages));
    call.content(ATTR.GEN_AI_TOOL_DEFINITIONS, toolDefinitions(params.tools ?? params.functions));
  },
  response(completion, call) {
    const choices = recordChoicesResponse(completion, call);
    if (call.contentOn) call.content(ATTR.GEN_AI_OUTPUT_MESSAGES, choices.map(chatChoiceMessage));
  },
  stream: (_params, call) => new ChatStream(call.contentOn, call.capture.maxValueLength),
};

interface ChoiceState {
  text: string;
  refusal: string;
  reasoning: string;
  tools: Map<number, { id: string | undefined; name: string | undefined; args: string }>;
  finish: unknown;
}

/** Folds `chat.completion.chunk`s: text, refusal and reasoning deltas, tool calls split across chunks, usage. */
class ChatStream implements StreamAggregator {
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;
  private readonly choices = new Map<number, ChoiceState>();

  // `limit` is the span's `maxValueLength`: streamed text is kept up to it, not beyond.
  constructor(
    private readonly keepContent: boolean,
    private readonly limit: number,
  ) {}

  add(chunk: unknown): boolean {
    if (!isObj(chunk)) return false;
    this.id ??= str(chunk.id);
    this.model ??= str(chunk.model);
    // With `stream_options.include_usage` the last chunk carries usage and no choices.
    if (isObj(chunk.usage)) this.usage = chunk.usage;
    let generated = false;
    if (!Array.isArray(chunk.choices)) return false;
    for (const choice of chunk.choices) {
      if (!isObj(choice)) continue;
      const state = this.choice(num(choice.index) ?? 0);
      const delta = isObj(choice.delta) ? choice.delta : {};
      if (choice.finish_reason) state.finish = choice.finish_reason;
      const content = delta.content;
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if ((typeof content === 'string' && content) || (typeof delta.refusal === 'string' && delta.refusal)) {
        generated = true;
      }
      if (typeof reasoning === 'string' && reasoning) generated = true;
      if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) generated = true;
      if (!this.keepContent) continue;
      state.text = appendBounded(state.text, content, this.limit);
      state.refusal = appendBounded(state.refusal, delta.refusal, this.limit);
      state.reasoning = appendBounded(state.reasoning, reasoning, this.limit);
      if (!Array.isArray(delta.tool_calls)) continue;
      for (const call of delta.tool_calls) {
        if (!isObj(call)) continue;
        const index = num(call.index) ?? state.tools.size;
        let tool = state.tools.get(index);
        if (!tool) state.tools.set(index, (tool = { id: undefined, name: undefined, args: '' }));
        tool.id ??= str(call.id);
        const fn = isObj(call.function) ? call.function : {};
        tool.name ??= str(fn.name);
        tool.args = appendBounded(tool.args, fn.arguments, this.limit);
      }
    }
    return generated;
  }

  finish(call: LlmCall): void {
    const indexes = [...this.choices.keys()].sort((a, b) => a - b);
    call.attr(ATTR.GEN_AI_RESPONSE_ID, this.id);
    call.attr(ATTR.GEN_AI_RESPONSE_MODEL, this.model);
    recordUsage(call, this.usage);
    const reasons = indexes.map((i) => finishReason(this.choices.get(i)?.finish));
    if (reasons.some((r) => r !== '')) call.attr(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, reasons);
    if (!this.keepContent) return;
    call.content(
      ATTR.GEN_AI_OUTPUT_MESSAGES,
      indexes.map((i) => this.message(this.choices.get(i)!)),
    );
  }

  private choice(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { text: '', refusal: '', reasoning: '', tools: new Map(), finish: undefined };
      this.choices.set(index, state);
    }
    return state;
  }

  private message(state: ChoiceState): OutputMessage {
    const parts: MessagePart[] = [];
    if (state.reasoning) parts.push(reasoningPart(state.reasoning));
    if (state.text) parts.push(textPart(state.text));
    if (state.refusal) parts.push({ type: 'refusal', content: state.refusal });
    for (const index of [...state.tools.keys()].sort((a, b) => a - b)) {
      const tool = state.tools.get(index)!;
      parts.push(toolCallPart(tool.id, tool.name, tool.args));
    }
    return { role: 'assistant', parts, finish_reason: finishReason(state.finish) };
  }
}
