import { ATTR, SpanType } from '@glassbox/core';
import { captureSettings, type Rule, rules, setCapturedJson } from '@glassbox/core/instrumentation';
import { type Context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { assertOptions } from '../internal/options.js';
import { tryOrWarn } from '../internal/warn.js';
import { finishReason, providerName, usageAttributes } from './ai-sdk-attributes.js';
import { parseJson, toInputMessages, toOutputMessage } from './ai-sdk-messages.js';

/** Options of `aiSdkSpanProcessor`. */
export interface AiSdkSpanProcessorOptions {
  /** Overrides the global `captureContent` switch for the `gen_ai.*` message copies and tool inputs/outputs it adds. */
  captureContent?: boolean;
}

const OPTIONS = rules.object({
  captureContent: rules.boolean(),
} satisfies Record<keyof AiSdkSpanProcessorOptions, Rule>);

type Attrs = Record<string, unknown>;

const MODEL_CALL = /\.(doGenerate|doStream)$/;
const ROOTS = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject']);

/**
 * An OpenTelemetry span processor that gives the AI SDK's own spans (`ai.generateText`, `ai.toolCall`,
 * ... from v4 to v6 with `experimental_telemetry`) Glassbox span types and `gen_ai.*` attributes, adding
 * only keys that are absent (save the AI SDK's own copy of an input count that left out cached tokens).
 */
export function aiSdkSpanProcessor(options: AiSdkSpanProcessorOptions = {}): SpanProcessor {
  assertOptions(options, OPTIONS, 'aiSdkSpanProcessor');
  // Generation spans that had tools offered or called: AGENT rather than CHAIN.
  const agents = new WeakSet<object>();

  const onStart = (span: Span, parentContext: Context): void => {
    const operation = span.attributes['ai.operationId'];
    if (typeof operation !== 'string' || !operation.startsWith('ai.')) return;
    const parent = trace.getSpan(parentContext);
    if (
      parent &&
      (operation === 'ai.toolCall' ||
        (MODEL_CALL.test(operation) && span.attributes['ai.prompt.tools'] !== undefined))
    ) {
      agents.add(parent);
    }
    // Attributes must be added while the span is still open, so every processor and exporter sees them
    // whatever the processor order. `SpanProcessor.onEnding` would say so, but it is experimental and not
    // forwarded by every host processor, so the span's own `end` is wrapped instead.
    const end = span.end;
    span.end = function endWithGlassbox(this: Span, endTime?: Parameters<Span['end']>[0]) {
      // The AI SDK's spans are not ours (no span handle): the current installation's switch applies.
      const content = options.captureContent ?? captureSettings().captureContent;
      tryOrWarn('aiSdkSpanProcessor', 'annotate', `could not annotate ${operation}`, () =>
        enrich(span, operation, agents.has(span), content),
      );
      return end.call(this, endTime);
    };
  };

  return {
    onStart,
    onEnd: (_span: ReadableSpan) => undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function enrich(span: Span, operation: string, agent: boolean, content: boolean): void {
  const a = span.attributes as Attrs;
  const add = (key: string, value: unknown) => {
    if (value === undefined || value === null || a[key] !== undefined) return;
    span.setAttribute(key, value as string | number | boolean | string[]);
  };
  const addJson = (key: string, value: unknown) => {
    if (content && value !== undefined && a[key] === undefined) setCapturedJson(span, key, value, true);
  };

  if (MODEL_CALL.test(operation)) {
    add(ATTR.SPAN_TYPE, SpanType.LLM);
    add(ATTR.GEN_AI_OPERATION_NAME, 'chat');
    addModel(a, add);
    const usage = usageAttributes(flatUsage(a), a['ai.model.provider'], a['ai.response.providerMetadata']);
    // v4/v5 wrote Anthropic's cache-exclusive count as gen_ai.usage.input_tokens: the normalised one replaces it.
    const tokens = usage[ATTR.GEN_AI_USAGE_INPUT_TOKENS];
    if (tokens !== undefined && a[ATTR.GEN_AI_USAGE_INPUT_TOKENS] === flatUsage(a).inputTokens)
      span.setAttribute(ATTR.GEN_AI_USAGE_INPUT_TOKENS, tokens);
    for (const [key, value] of Object.entries(usage)) add(key, value);
    add(ATTR.GEN_AI_RESPONSE_ID, a['ai.response.id']);
    add(ATTR.GEN_AI_RESPONSE_MODEL, a['ai.response.model']);
    if (typeof a['ai.response.finishReason'] === 'string')
      add(ATTR.GEN_AI_RESPONSE_FINISH_REASONS, [a['ai.response.finishReason']]);
    add(ATTR.LLM_TIME_TO_FIRST_TOKEN_MS, a['ai.response.msToFirstChunk']);
    const input = toInputMessages(undefined, parseJson(a['ai.prompt.messages']));
    if (input.system.length > 0) addJson(ATTR.GEN_AI_SYSTEM_INSTRUCTIONS, input.system);
    if (a['ai.prompt.messages'] !== undefined) addJson(ATTR.GEN_AI_INPUT_MESSAGES, input.messages);
    if (Array.isArray(a['ai.prompt.tools']))
      addJson(ATTR.GEN_AI_TOOL_DEFINITIONS, a['ai.prompt.tools'].map(parseJson));
    const output = outputParts(a);
    if (output.length > 0)
      addJson(ATTR.GEN_AI_OUTPUT_MESSAGES, [
        toOutputMessage(output, finishReason(a['ai.response.finishReason'])),
      ]);
  } else if (operation.endsWith('.doEmbed')) {
    add(ATTR.SPAN_TYPE, SpanType.EMBEDDING);
    add(ATTR.GEN_AI_OPERATION_NAME, 'embeddings');
    addModel(a, add);
    add(ATTR.GEN_AI_USAGE_INPUT_TOKENS, a['ai.usage.tokens']);
  } else if (operation.endsWith('.doRerank')) {
    add(ATTR.SPAN_TYPE, SpanType.RERANKER);
    addModel(a, add);
  } else if (operation === 'ai.toolCall') {
    add(ATTR.SPAN_TYPE, SpanType.TOOL);
    add(ATTR.GEN_AI_OPERATION_NAME, 'execute_tool');
    add(ATTR.GEN_AI_TOOL_NAME, a['ai.toolCall.name']);
    add(ATTR.GEN_AI_TOOL_CALL_ID, a['ai.toolCall.id']);
    add(ATTR.GEN_AI_TOOL_TYPE, 'function');
    addJson(ATTR.INPUTS, parseJson(a['ai.toolCall.args']));
    addJson(ATTR.OUTPUTS, parseJson(a['ai.toolCall.result']));
  } else {
    add(ATTR.SPAN_TYPE, agent && ROOTS.has(operation) ? SpanType.AGENT : SpanType.CHAIN);
    if (agent) add(ATTR.GEN_AI_OPERATION_NAME, 'invoke_agent');
    addModel(a, add);
    addJson(ATTR.INPUTS, parseJson(a['ai.prompt'] ?? a['ai.value'] ?? a['ai.values']));
    addJson(
      ATTR.OUTPUTS,
      a['ai.response.object'] !== undefined ? parseJson(a['ai.response.object']) : a['ai.response.text'],
    );
  }
  if (span.status.code === SpanStatusCode.ERROR) {
    const exception = span.events.find((e) => e.name === 'exception');
    add(ATTR.ERROR_TYPE, exception?.attributes?.['exception.type'] ?? 'Error');
  }
}

function addModel(a: Attrs, add: (key: string, value: unknown) => void): void {
  add(ATTR.GEN_AI_PROVIDER_NAME, providerName(a['ai.model.provider']));
  add(ATTR.GEN_AI_REQUEST_MODEL, a['ai.model.id']);
}

// v5/v6 write usage as flat attributes (v4 used prompt/completion token names).
function flatUsage(a: Attrs): Attrs {
  return {
    inputTokens: a['ai.usage.inputTokens'] ?? a['ai.usage.promptTokens'],
    outputTokens: a['ai.usage.outputTokens'] ?? a['ai.usage.completionTokens'],
    cachedInputTokens: a['ai.usage.inputTokenDetails.cacheReadTokens'] ?? a['ai.usage.cachedInputTokens'],
    reasoningTokens: a['ai.usage.outputTokenDetails.reasoningTokens'] ?? a['ai.usage.reasoningTokens'],
    inputTokenDetails: {
      noCacheTokens: a['ai.usage.inputTokenDetails.noCacheTokens'],
      cacheWriteTokens: a['ai.usage.inputTokenDetails.cacheWriteTokens'],
    },
  };
}

// The answer of a model call, rebuilt as AI SDK content parts from the span's response attributes.
function outputParts(a: Attrs): Record<string, unknown>[] {
  const parts: Record<string, unknown>[] = [];
  if (typeof a['ai.response.reasoning'] === 'string')
    parts.push({ type: 'reasoning', text: a['ai.response.reasoning'] });
  const text = a['ai.response.text'] ?? a['ai.response.object'];
  if (typeof text === 'string') parts.push({ type: 'text', text });
  const calls = parseJson(a['ai.response.toolCalls']);
  if (Array.isArray(calls)) for (const call of calls) parts.push({ type: 'tool-call', ...call });
  return parts;
}
