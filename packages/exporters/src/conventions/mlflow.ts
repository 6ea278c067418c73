import type { Attributes } from '@opentelemetry/api';
import { inputMessagesOf, outputMessagesOf, toOpenAiMessage } from './chat-messages.js';
import {
  backendSpanType,
  costOf,
  documentsOf,
  type IoValue,
  modelOf,
  requestParamsOf,
  toIo,
  traceContextOf,
  usageJsonOf,
} from './span-facts.js';
import { type StepIo, stepIoOf } from './step-io.js';

// MLflow's own span keys (mlflow/tracing/constant.py `SpanAttributeKey`), which its OTLP ingest reads
// before any other convention. Values are JSON text, as MLflow's own clients write them.

/** Glassbox span types MLflow names otherwise (`mlflow.entities.SpanType`). */
const SPAN_TYPE_RENAMES = { QUERY_REWRITE: 'CHAIN', PROMPT: 'CHAIN' } as const;

/** MLflow's token usage keys (`mlflow.chat.tokenUsage`). */
const USAGE_KEYS = { input: 'input_tokens', output: 'output_tokens', total: 'total_tokens' };

const TRACE_TAG_PREFIX = 'mlflow.traceTag.';

/** A value as MLflow keeps inputs and outputs: JSON, a string being a JSON string. */
const asJson = (io: IoValue): string => (io.json ? io.value : JSON.stringify(io.value));

/** The MLflow attributes for one span of `type`; `isRoot` adds the trace tags (MLflow reads them off the root). */
export function mlflowAttributes(
  attributes: Attributes,
  type: string | undefined,
  isRoot: boolean,
): Attributes {
  const out: Attributes = {};
  const chat = type === 'LLM' && attributes['gen_ai.operation.name'] === 'chat';
  out['mlflow.spanType'] = chat ? 'CHAT_MODEL' : backendSpanType(type, SPAN_TYPE_RENAMES);

  const { input, output } = stepIoOf(attributes, type, () => {
    if (type === 'LLM') {
      const io = openAiIo(attributes);
      if (io.input || io.output) out['mlflow.message.format'] = JSON.stringify('openai');
      return io;
    }
    const documents = type === 'RETRIEVER' ? documentsOf(attributes) : undefined;
    if (!documents) return {};
    // MLflow shows a retriever's output as documents when they have this shape (its `Document` entity).
    return {
      output: toIo(
        documents.map((d) => ({
          page_content: d.content ?? '',
          metadata: { ...d.metadata, ...(d.score !== undefined ? { score: d.score } : {}) },
          id: d.id ?? null,
        })),
      ),
    };
  });
  if (input) out['mlflow.spanInputs'] = asJson(input);
  if (output) out['mlflow.spanOutputs'] = asJson(output);

  const usage = usageJsonOf(attributes, USAGE_KEYS);
  if (usage) out['mlflow.chat.tokenUsage'] = usage;
  const cost = costOf(attributes);
  if (cost) {
    out['mlflow.llm.cost'] = JSON.stringify({
      input_cost: cost.input ?? 0,
      output_cost: cost.output ?? 0,
      total_cost: cost.total,
    });
  }

  if (isRoot) {
    const { tags, metadata } = traceContextOf(attributes);
    for (const [key, value] of Object.entries(metadata ?? {})) {
      out[TRACE_TAG_PREFIX + key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    // MLflow trace tags are key/value pairs; a Glassbox tag becomes a key set to "true".
    for (const tag of tags ?? []) out[TRACE_TAG_PREFIX + tag] = 'true';
  }
  // session.id and user.id: MLflow reads those keys itself and files the trace under them.
  return out;
}

/** An LLM call as the OpenAI request and response: MLflow's chat view renders them (`mlflow.message.format`). */
function openAiIo(attributes: Attributes): StepIo {
  const messages = inputMessagesOf(attributes);
  const choices = outputMessagesOf(attributes);
  const model = modelOf(attributes);
  return {
    ...(messages
      ? {
          input: toIo({
            ...(model ? { model } : {}),
            ...requestParamsOf(attributes),
            messages: messages.map(toOpenAiMessage),
          }),
        }
      : {}),
    ...(choices
      ? {
          output: toIo({
            choices: choices.map((m, index) => ({
              index,
              message: toOpenAiMessage(m),
              finish_reason: m.finishReason ?? null,
            })),
          }),
        }
      : {}),
  };
}
