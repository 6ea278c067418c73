import { type ActiveSpan, ATTR } from '@glassbox/core';
import { setCapturedJson } from '@glassbox/core/instrumentation';
import type { AttributeMap } from '../internal/attribute-map.js';
import { finishReason, type GenAiMessage, type MessagePart, toMessage } from './langchain-messages.js';

type Obj = Record<string, any>;

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The model a LangChain model run asks for, from its invocation params, LangSmith metadata or class name. */
export function requestedModel(
  serialized: Obj,
  extraParams: Obj | undefined,
  metadata: Obj | undefined,
): string {
  const params = extraParams?.invocation_params ?? {};
  return (
    str(params.model) ??
    str(params.model_name) ??
    str(params.modelName) ??
    str(metadata?.ls_model_name) ??
    str(serialized?.id?.at?.(-1)) ??
    'unknown'
  );
}

/** `gen_ai.*` request attributes of a LangChain model run. */
export function requestAttributes(extraParams: Obj | undefined, metadata: Obj | undefined): AttributeMap {
  const params = extraParams?.invocation_params ?? {};
  const stop = metadata?.ls_stop ?? params.stop;
  return {
    [ATTR.GEN_AI_PROVIDER_NAME]: str(metadata?.ls_provider),
    [ATTR.GEN_AI_REQUEST_TEMPERATURE]: num(metadata?.ls_temperature) ?? num(params.temperature),
    [ATTR.GEN_AI_REQUEST_MAX_TOKENS]:
      num(metadata?.ls_max_tokens) ?? num(params.max_tokens) ?? num(params.maxTokens),
    [ATTR.GEN_AI_REQUEST_TOP_P]: num(params.top_p) ?? num(params.topP),
    [ATTR.GEN_AI_REQUEST_SEED]: num(params.seed),
    [ATTR.GEN_AI_REQUEST_STOP_SEQUENCES]:
      Array.isArray(stop) && stop.length > 0 ? stop.map(String) : undefined,
  };
}

/**
 * Response attributes of a finished model run: usage from the message's `usage_metadata` (or the
 * older `llmOutput.tokenUsage`), response model and id, and the providers' finish reasons.
 */
export function responseAttributes(output: Obj): AttributeMap {
  const generations: Obj[] = Array.isArray(output?.generations?.[0]) ? output.generations[0] : [];
  const message: Obj | undefined = generations[0]?.message;
  const usage = message?.usage_metadata;
  const legacy = output?.llmOutput?.tokenUsage ?? output?.llmOutput?.estimatedTokenUsage ?? {};
  const meta = message?.response_metadata ?? {};
  const reasons = generations.map((g) => rawFinishReason(g)).filter((r): r is string => r !== undefined);
  // LangChain gives messages without a provider id its own `run-…` id, which says nothing about the response.
  const id = str(message?.id);
  return {
    [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: num(usage?.input_tokens) ?? num(legacy.promptTokens),
    [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: num(usage?.output_tokens) ?? num(legacy.completionTokens),
    [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: num(usage?.input_token_details?.cache_read),
    [ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: num(usage?.input_token_details?.cache_creation),
    [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]: num(usage?.output_token_details?.reasoning),
    [ATTR.GEN_AI_RESPONSE_MODEL]:
      str(meta.model_name) ?? str(meta.model) ?? str(output?.llmOutput?.model_name),
    [ATTR.GEN_AI_RESPONSE_ID]: id?.startsWith('run-') ? undefined : id,
    [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: reasons.length > 0 ? reasons : undefined,
  };
}

/** The provider's finish reason of one generation (OpenAI `finish_reason`, Anthropic `stop_reason`). */
export function rawFinishReason(generation: Obj | undefined): string | undefined {
  const meta = generation?.message?.response_metadata ?? {};
  return str(generation?.generationInfo?.finish_reason) ?? str(meta.finish_reason) ?? str(meta.stop_reason);
}

/** Records the messages (and tool definitions) a model run was sent; the caller checks the capture switch. */
export function recordModelInput(
  span: ActiveSpan,
  input: { system: MessagePart[]; messages: GenAiMessage[] },
  extraParams: Obj | undefined,
): void {
  if (!span.isRecording()) return;
  if (input.system.length > 0) setCapturedJson(span, ATTR.GEN_AI_SYSTEM_INSTRUCTIONS, input.system, true);
  setCapturedJson(span, ATTR.GEN_AI_INPUT_MESSAGES, input.messages, true);
  const tools = extraParams?.invocation_params?.tools;
  if (Array.isArray(tools) && tools.length > 0)
    setCapturedJson(span, ATTR.GEN_AI_TOOL_DEFINITIONS, tools, true);
}

/** Records the messages a model run answered, one per generation; the caller checks the capture switch. */
export function recordModelOutput(span: ActiveSpan, output: Obj): void {
  if (!span.isRecording()) return;
  const generations: Obj[] = Array.isArray(output?.generations?.[0]) ? output.generations[0] : [];
  const messages = generations.map((g): GenAiMessage => {
    const finish = finishReason(rawFinishReason(g)) ?? 'stop';
    if (g.message) return toMessage(g.message, finish);
    return {
      role: 'assistant',
      parts: [{ type: 'text', content: String(g.text ?? '') }],
      finish_reason: finish,
    };
  });
  setCapturedJson(span, ATTR.GEN_AI_OUTPUT_MESSAGES, messages, true);
}
