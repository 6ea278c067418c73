import { type ActiveSpan, ATTR, SpanType, startSpan } from '@glassbox/core';
import { setCapturedJson } from '@glassbox/core/instrumentation';
import { SpanKind } from '@opentelemetry/api';
import { defined } from '../internal/attribute-map.js';
import {
  finishReason,
  providerName,
  requestAttributes,
  serverAttributes,
  usageAttributes,
} from './ai-sdk-attributes.js';
import { toInputMessages, toOutputMessage } from './ai-sdk-messages.js';

type Obj = Record<string, any>;

/** What content a call may record: the Glassbox capture switch and the AI SDK's `recordInputs`/`recordOutputs`. */
export interface ContentRules {
  inputs: boolean;
  outputs: boolean;
  /** The per-integration override of the capture switch, passed on to each span. */
  override: boolean | undefined;
}

/** A model call span, kept open after the model answered until the step reports the response model. */
export interface ModelCall {
  span: ActiveSpan;
  /** When the model call ended (a span time); the span is ended at this time even if closed later. */
  endAt: number | undefined;
  /** The GenAI finish reason reported by the model call, used when the step gives no raw reason. */
  finishReason: string | undefined;
}

/** Starts the LLM span of one model call (`chat {model}`, kind CLIENT) under the generation span. */
export function startModelCall(
  parent: ActiveSpan,
  event: Obj,
  at: number,
  rules: ContentRules,
  messages: unknown,
): ModelCall {
  const model = typeof event.modelId === 'string' ? event.modelId : 'unknown';
  const span = startSpan({
    name: `chat ${model}`,
    type: SpanType.LLM,
    kind: SpanKind.CLIENT,
    parent,
    startTime: at,
    captureContent: rules.override,
    attributes: defined({
      [ATTR.GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR.GEN_AI_PROVIDER_NAME]: providerName(event.provider),
      [ATTR.GEN_AI_REQUEST_MODEL]: model,
      ...requestAttributes(event),
    }),
  });
  if (rules.inputs && span.isRecording()) {
    const input = toInputMessages(event.instructions ?? event.system, messages);
    if (input.system.length > 0) setCapturedJson(span, ATTR.GEN_AI_SYSTEM_INSTRUCTIONS, input.system, true);
    setCapturedJson(span, ATTR.GEN_AI_INPUT_MESSAGES, input.messages, true);
    if (Array.isArray(event.tools) && event.tools.length > 0) {
      setCapturedJson(span, ATTR.GEN_AI_TOOL_DEFINITIONS, event.tools, true);
    }
  }
  return { span, endAt: undefined, finishReason: undefined };
}

/** Records what the model answered (v7 `onLanguageModelCallEnd`); the span stays open for the step's details. */
export function recordModelAnswer(call: ModelCall, event: Obj, at: number, rules: ContentRules): void {
  call.endAt = at;
  call.finishReason = finishReason(event.finishReason);
  call.span.setAttributes(
    defined({
      [ATTR.GEN_AI_RESPONSE_ID]: typeof event.responseId === 'string' ? event.responseId : undefined,
      [ATTR.LLM_TIME_TO_FIRST_TOKEN_MS]: event.performance?.timeToFirstOutputMs,
      ...usageAttributes(event.usage, undefined, event.providerMetadata),
      ...serverAttributes(event.request?.url),
    }),
  );
  if (rules.outputs && call.span.isRecording()) {
    setCapturedJson(
      call.span,
      ATTR.GEN_AI_OUTPUT_MESSAGES,
      [toOutputMessage(event.content, call.finishReason)],
      true,
    );
  }
}

/**
 * Ends a model call with the details only the step result has (response model, the provider's raw
 * finish reason); `step` is undefined when the call is closed by an error, an abort or abandonment.
 */
export function endModelCall(call: ModelCall, step: Obj | undefined, fallbackAt: number): void {
  const response = step?.response ?? {};
  const raw = typeof step?.rawFinishReason === 'string' ? step.rawFinishReason : undefined;
  const reason = raw ?? call.finishReason ?? finishReason(step?.finishReason);
  call.span.setAttributes(
    defined({
      [ATTR.GEN_AI_RESPONSE_MODEL]: typeof response.modelId === 'string' ? response.modelId : undefined,
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: reason === undefined ? undefined : [reason],
    }),
  );
  call.span.end(call.endAt ?? fallbackAt);
}

/** Records and ends the model call of a `generateObject`/`streamObject` step (v7 `onObjectStepEnd`). */
export function endObjectModelCall(call: ModelCall, event: Obj, at: number, rules: ContentRules): void {
  const reason = finishReason(event.finishReason);
  call.span.setAttributes(
    defined({
      [ATTR.GEN_AI_RESPONSE_ID]: event.response?.id,
      [ATTR.GEN_AI_RESPONSE_MODEL]: event.response?.modelId,
      [ATTR.GEN_AI_RESPONSE_FINISH_REASONS]: reason === undefined ? undefined : [reason],
      [ATTR.GEN_AI_OUTPUT_TYPE]: 'json',
      [ATTR.LLM_TIME_TO_FIRST_TOKEN_MS]: event.msToFirstChunk,
      ...usageAttributes(event.usage, undefined, event.providerMetadata),
    }),
  );
  if (rules.outputs && call.span.isRecording() && typeof event.objectText === 'string') {
    const parts = [{ type: 'text', text: event.objectText }];
    setCapturedJson(call.span, ATTR.GEN_AI_OUTPUT_MESSAGES, [toOutputMessage(parts, reason)], true);
  }
  call.span.end(at);
}

/** Starts the EMBEDDING span of one embedding model call (`embeddings {model}`). */
export function startEmbedding(parent: ActiveSpan, event: Obj, at: number, rules: ContentRules): ActiveSpan {
  const model = typeof event.modelId === 'string' ? event.modelId : 'unknown';
  const span = startSpan({
    name: `embeddings ${model}`,
    type: SpanType.EMBEDDING,
    kind: SpanKind.CLIENT,
    parent,
    startTime: at,
    captureContent: rules.override,
    attributes: defined({
      [ATTR.GEN_AI_OPERATION_NAME]: 'embeddings',
      [ATTR.GEN_AI_PROVIDER_NAME]: providerName(event.provider),
      [ATTR.GEN_AI_REQUEST_MODEL]: model,
    }),
  });
  if (rules.inputs) span.setInputs(event.values);
  return span;
}

/** Records the usage of an embedding call and ends its span. */
export function endEmbedding(span: ActiveSpan, event: Obj, at: number): void {
  const tokens = event.usage?.tokens;
  if (typeof tokens === 'number') span.setAttribute(ATTR.GEN_AI_USAGE_INPUT_TOKENS, tokens);
  span.end(at);
}
