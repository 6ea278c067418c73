import type { Attributes } from '@opentelemetry/api';
import { inputMessagesOf, outputMessagesOf, toOpenAiMessage } from './chat-messages.js';
import {
  costOf,
  documentsOf,
  feedbackOf,
  guardrailOf,
  type IoValue,
  ioValue,
  isFeedback,
  metadataOf,
  modelOf,
  requestParamsOf,
  spanTypeOf,
  tagsOf,
  toIo,
  usageOf,
} from './span-facts.js';

// MLflow's own span keys (mlflow/tracing/constant.py `SpanAttributeKey`), which its OTLP ingest reads
// before any other convention. Values are JSON text, as MLflow's own clients write them.

/** Glassbox span types to MLflow span types (`mlflow.entities.SpanType`). */
const SPAN_TYPES: Record<string, string> = {
  LLM: 'LLM',
  EMBEDDING: 'EMBEDDING',
  TOOL: 'TOOL',
  RETRIEVER: 'RETRIEVER',
  RERANKER: 'RERANKER',
  AGENT: 'AGENT',
  CHAIN: 'CHAIN',
  QUERY_REWRITE: 'CHAIN',
  PROMPT: 'CHAIN',
  PARSER: 'PARSER',
  GUARDRAIL: 'GUARDRAIL',
  EVALUATOR: 'EVALUATOR',
  UNKNOWN: 'UNKNOWN',
};

const TRACE_TAG_PREFIX = 'mlflow.traceTag.';

/** A value as MLflow keeps inputs and outputs: JSON, a string being a JSON string. */
const asJson = (io: IoValue): string => (io.json ? io.value : JSON.stringify(io.value));

/** The MLflow attributes for one span; `isRoot` adds the trace tags (MLflow reads them off the root span). */
export function mlflowAttributes(attributes: Attributes, isRoot: boolean): Attributes {
  const out: Attributes = {};
  const type = spanTypeOf(attributes);
  const chat = type === 'LLM' && attributes['gen_ai.operation.name'] === 'chat';
  out['mlflow.spanType'] = chat ? 'CHAT_MODEL' : (SPAN_TYPES[type ?? 'UNKNOWN'] ?? 'UNKNOWN');

  let input: IoValue | undefined;
  let output: IoValue | undefined;
  if (isFeedback(attributes)) {
    ({ input, output } = feedbackOf(attributes));
  } else if (type === 'LLM') {
    // The OpenAI request and response shapes: MLflow's chat view renders them (`mlflow.message.format`).
    const messages = inputMessagesOf(attributes);
    const choices = outputMessagesOf(attributes);
    if (messages) {
      const model = modelOf(attributes);
      input = toIo({
        ...(model ? { model } : {}),
        ...requestParamsOf(attributes),
        messages: messages.map(toOpenAiMessage),
      });
    }
    if (choices) {
      output = toIo({
        choices: choices.map((m, index) => ({
          index,
          message: toOpenAiMessage(m),
          finish_reason: m.finishReason ?? null,
        })),
      });
    }
    if (messages || choices) out['mlflow.message.format'] = JSON.stringify('openai');
  } else if (type === 'RETRIEVER' && documentsOf(attributes)) {
    // MLflow shows a retriever's output as documents when they have this shape (its `Document` entity).
    output = toIo(
      documentsOf(attributes)!.map((d) => ({
        page_content: d.content ?? '',
        metadata: { ...d.metadata, ...(d.score !== undefined ? { score: d.score } : {}) },
        id: d.id ?? null,
      })),
    );
  } else if (type === 'GUARDRAIL' && !attributes['glassbox.outputs']) {
    const decision = guardrailOf(attributes);
    if (decision) output = toIo(decision);
  }
  input ??= ioValue(attributes['glassbox.inputs']);
  output ??= ioValue(attributes['glassbox.outputs']);
  if (input) out['mlflow.spanInputs'] = asJson(input);
  if (output) out['mlflow.spanOutputs'] = asJson(output);

  const usage = usageOf(attributes);
  if (usage) {
    out['mlflow.chat.tokenUsage'] = JSON.stringify({
      ...(usage.input !== undefined ? { input_tokens: usage.input } : {}),
      ...(usage.output !== undefined ? { output_tokens: usage.output } : {}),
      total_tokens: usage.total,
      ...(usage.cacheRead !== undefined ? { cache_read_input_tokens: usage.cacheRead } : {}),
      ...(usage.cacheWrite !== undefined ? { cache_creation_input_tokens: usage.cacheWrite } : {}),
    });
  }
  const cost = costOf(attributes);
  if (cost) {
    out['mlflow.llm.cost'] = JSON.stringify({
      input_cost: cost.input ?? 0,
      output_cost: cost.output ?? 0,
      total_cost: cost.total,
    });
  }

  if (isRoot) {
    for (const [key, value] of Object.entries(metadataOf(attributes) ?? {})) {
      out[TRACE_TAG_PREFIX + key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    // MLflow trace tags are key/value pairs; a Glassbox tag becomes a key set to "true".
    for (const tag of tagsOf(attributes) ?? []) out[TRACE_TAG_PREFIX + tag] = 'true';
  }
  // session.id and user.id: MLflow reads those keys itself and files the trace under them.
  return out;
}
