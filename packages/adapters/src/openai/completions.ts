import { ATTR, SpanType } from '@glassbox/core';
import type { LlmCall, StreamAggregator } from '../internal/llm/llm-call.js';
import { appendBounded, isObj, num, str, textPart } from '../internal/llm/parts.js';
import type { LlmMethodSpec } from '../internal/llm/trace-method.js';
import { finishReason, putSampling, recordChoicesResponse, recordUsage } from './shared.js';

/** Legacy `completions.create`: operation `text_completion`, non-streamed and streamed. */
export const completionsSpec: LlmMethodSpec = {
  operation: 'text_completion',
  type: SpanType.LLM,
  request: putSampling,
  input(params, call) {
    const prompts = Array.isArray(params.prompt) ? params.prompt : [params.prompt];
    const texts = prompts.filter((p): p is string => typeof p === 'string');
    // Token-id prompts (number arrays) carry no readable text.
    if (texts.length > 0)
      call.content(
        ATTR.GEN_AI_INPUT_MESSAGES,
        texts.map((t) => ({ role: 'user', parts: [textPart(t)] })),
      );
  },
  response(completion, call) {
    const choices = recordChoicesResponse(completion, call);
    call.content(
      ATTR.GEN_AI_OUTPUT_MESSAGES,
      choices.map((c) => ({
        role: 'assistant',
        parts: [textPart(String(c.text ?? ''))],
        finish_reason: finishReason(c.finish_reason),
      })),
    );
  },
  stream: (_params, call) => new CompletionStream(call.contentOn, call.capture.maxValueLength),
};

/** Folds streamed legacy completion chunks (`choices[].text` deltas, usage on the last chunk). */
class CompletionStream implements StreamAggregator {
  private id: string | undefined;
  private model: string | undefined;
  private usage: unknown;
  private readonly choices = new Map<number, { text: string; finish: unknown }>();

  // `limit` is the span's `maxValueLength`: streamed text is kept up to it, not beyond.
  constructor(
    private readonly keepContent: boolean,
    private readonly limit: number,
  ) {}

  add(chunk: unknown): boolean {
    if (!isObj(chunk)) return false;
    this.id ??= str(chunk.id);
    this.model ??= str(chunk.model);
    if (isObj(chunk.usage)) this.usage = chunk.usage;
    let generated = false;
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      if (!isObj(choice)) continue;
      const index = num(choice.index) ?? 0;
      let state = this.choices.get(index);
      if (!state) this.choices.set(index, (state = { text: '', finish: undefined }));
      if (choice.finish_reason) state.finish = choice.finish_reason;
      if (typeof choice.text === 'string' && choice.text) generated = true;
      if (this.keepContent) state.text = appendBounded(state.text, choice.text, this.limit);
    }
    return generated;
  }

  finish(call: LlmCall): void {
    const indexes = [...this.choices.keys()].sort((a, b) => a - b);
    const reasons = indexes.map((i) => finishReason(this.choices.get(i)?.finish));
    call.attr(ATTR.GEN_AI_RESPONSE_ID, this.id);
    call.attr(ATTR.GEN_AI_RESPONSE_MODEL, this.model);
    if (reasons.some((r) => r !== '')) call.attr(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, reasons);
    recordUsage(call, this.usage);
    if (!this.keepContent) return;
    call.content(
      ATTR.GEN_AI_OUTPUT_MESSAGES,
      indexes.map((i) => {
        const state = this.choices.get(i)!;
        return {
          role: 'assistant',
          parts: [textPart(state.text)],
          finish_reason: finishReason(state.finish),
        };
      }),
    );
  }
}
