import { ATTR } from '@glassbox/core';
import type { Attributes } from '@opentelemetry/api';
import type { LlmCall } from '../internal/llm/llm-call.js';
import { isObj, mapFinishReason, num, type Obj, str } from '../internal/llm/parts.js';
import { put } from '../internal/llm/trace-method.js';

/** OpenAI finish reasons mapped to the GenAI ones (`tool_calls` → `tool_call`); others pass through. */
export const FINISH_REASONS: Record<string, string> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_call',
  function_call: 'tool_call',
  content_filter: 'content_filter',
};

/** A chat or completion choice's finish reason in GenAI terms (`''` while unknown, e.g. a cut stream). */
export function finishReason(reason: unknown): string {
  return mapFinishReason(reason, FINISH_REASONS) ?? '';
}

/**
 * Records usage from an OpenAI usage object (chat and completions use `prompt_tokens`, Responses uses
 * `input_tokens`); OpenAI's input count already includes cached tokens, as the convention wants.
 */
export function recordUsage(call: LlmCall, usage: unknown): void {
  if (!isObj(usage)) return;
  const inDetails = isObj(usage.prompt_tokens_details)
    ? usage.prompt_tokens_details
    : usage.input_tokens_details;
  const outDetails = isObj(usage.completion_tokens_details)
    ? usage.completion_tokens_details
    : usage.output_tokens_details;
  call.attr(ATTR.GEN_AI_USAGE_INPUT_TOKENS, num(usage.prompt_tokens) ?? num(usage.input_tokens));
  call.attr(ATTR.GEN_AI_USAGE_OUTPUT_TOKENS, num(usage.completion_tokens) ?? num(usage.output_tokens));
  if (isObj(inDetails)) call.attr(ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, num(inDetails.cached_tokens));
  if (isObj(outDetails)) {
    call.attr(ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, num(outDetails.reasoning_tokens));
  }
}

/** Records id, model, finish reasons and usage of a response with `choices` (chat or legacy completion); returns its choices. */
export function recordChoicesResponse(completion: Obj, call: LlmCall): Obj[] {
  const choices = Array.isArray(completion.choices) ? completion.choices.filter(isObj) : [];
  call.attr(ATTR.GEN_AI_RESPONSE_ID, str(completion.id));
  call.attr(ATTR.GEN_AI_RESPONSE_MODEL, str(completion.model));
  call.attr(
    ATTR.GEN_AI_RESPONSE_FINISH_REASONS,
    choices.map((c) => finishReason(c.finish_reason)),
  );
  recordUsage(call, completion.usage);
  return choices;
}

/** `gen_ai.request.stop_sequences` from a `stop` param (a string or a list). */
export function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s) => typeof s === 'string')) return stop as string[];
  return undefined;
}

/** `gen_ai.output.type` from a `response_format` / `text.format` type. */
export function outputType(format: unknown): string | undefined {
  const type = isObj(format) ? str(format.type) : undefined;
  if (type === 'json_schema' || type === 'json_object') return 'json';
  if (type === 'text') return 'text';
  return undefined;
}

/** Sampling settings shared by chat completions and legacy completions. */
export function putSampling(params: Obj, attributes: Attributes): void {
  put(attributes, ATTR.GEN_AI_REQUEST_TEMPERATURE, num(params.temperature));
  put(attributes, ATTR.GEN_AI_REQUEST_TOP_P, num(params.top_p));
  put(
    attributes,
    ATTR.GEN_AI_REQUEST_MAX_TOKENS,
    num(params.max_completion_tokens) ?? num(params.max_tokens),
  );
  put(attributes, ATTR.GEN_AI_REQUEST_STOP_SEQUENCES, stopSequences(params.stop));
  put(attributes, ATTR.GEN_AI_REQUEST_SEED, num(params.seed));
  put(attributes, ATTR.GEN_AI_REQUEST_FREQUENCY_PENALTY, num(params.frequency_penalty));
  put(attributes, ATTR.GEN_AI_REQUEST_PRESENCE_PENALTY, num(params.presence_penalty));
  // The convention records the choice count only when it is not the default of 1.
  const n = num(params.n);
  if (n !== undefined && n !== 1) attributes[ATTR.GEN_AI_REQUEST_CHOICE_COUNT] = n;
}

/** `gen_ai.tool.definitions` from chat `tools` / legacy `functions` or Responses `tools`. */
export function toolDefinitions(tools: unknown): Obj[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  return tools.filter(isObj).map((tool) => {
    // Chat nests the function (`{type: 'function', function: {...}}`); Responses and legacy `functions` do not.
    const fn = isObj(tool.function) ? tool.function : isObj(tool.custom) ? tool.custom : tool;
    const type = str(tool.type) ?? 'function';
    if (type !== 'function' && type !== 'custom') return { ...tool, type, name: str(tool.name) ?? type };
    return { type, name: str(fn.name) ?? '', description: str(fn.description), parameters: fn.parameters };
  });
}
