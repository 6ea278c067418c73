import type { Attributes } from '@opentelemetry/api';
import { inputMessagesOf, outputMessagesOf, toOpenAiMessage } from './chat-messages.js';
import { costOf, modelOf, requestParamsOf, toIo, traceContextOf, usageJsonOf } from './span-facts.js';
import { stepIoOf } from './step-io.js';

// Langfuse's OTLP keys (langfuse/langfuse web/src/features/otel/server/attributes.ts), which its ingest
// reads before `gen_ai.*` and OpenInference. Langfuse reads `session.id` and `user.id` as they are.

/** Glassbox span types to Langfuse observation types. */
const OBSERVATION_TYPES: Record<string, string> = {
  LLM: 'generation',
  EMBEDDING: 'embedding',
  TOOL: 'tool',
  RETRIEVER: 'retriever',
  RERANKER: 'retriever',
  AGENT: 'agent',
  CHAIN: 'chain',
  QUERY_REWRITE: 'chain',
  PROMPT: 'chain',
  PARSER: 'chain',
  GUARDRAIL: 'guardrail',
  EVALUATOR: 'evaluator',
  UNKNOWN: 'span',
};

/** Langfuse's usage detail keys (`langfuse.observation.usage_details`). */
const USAGE_KEYS = { input: 'input', output: 'output', total: 'total' };

/** The Langfuse attributes for one span of `type` (`spanTypeOf`); `isRoot` adds the trace-level ones. */
export function langfuseAttributes(
  attributes: Attributes,
  type: string | undefined,
  isRoot: boolean,
): Attributes {
  const out: Attributes = {};
  out['langfuse.observation.type'] = OBSERVATION_TYPES[type ?? 'UNKNOWN'] ?? 'span';

  const { input, output } = stepIoOf(attributes, type, () => {
    if (type !== 'LLM') return {};
    // Langfuse renders OpenAI-format messages as a chat.
    const messages = inputMessagesOf(attributes);
    const choices = outputMessagesOf(attributes);
    return {
      ...(messages ? { input: toIo(messages.map(toOpenAiMessage)) } : {}),
      ...(choices
        ? { output: toIo(choices.length === 1 ? toOpenAiMessage(choices[0]!) : choices.map(toOpenAiMessage)) }
        : {}),
    };
  });
  if (input) out['langfuse.observation.input'] = input.value;
  if (output) out['langfuse.observation.output'] = output.value;

  if (type === 'LLM' || type === 'EMBEDDING') {
    const model = modelOf(attributes);
    if (model) out['langfuse.observation.model.name'] = model;
    const params = requestParamsOf(attributes);
    if (params) out['langfuse.observation.model.parameters'] = JSON.stringify(params);
    const usage = usageJsonOf(attributes, USAGE_KEYS);
    if (usage) out['langfuse.observation.usage_details'] = usage;
    const cost = costOf(attributes);
    if (cost) {
      out['langfuse.observation.cost_details'] = JSON.stringify({
        ...(cost.input !== undefined ? { input: cost.input } : {}),
        ...(cost.output !== undefined ? { output: cost.output } : {}),
        total: cost.total,
      });
    }
  }

  // Langfuse levels: a flagged rewrite or a blocking guardrail is worth a warning in its list.
  if (
    attributes['glassbox.rewrite.flagged'] === true ||
    attributes['glassbox.guardrail.decision'] === 'block'
  ) {
    out['langfuse.observation.level'] = 'WARNING';
  }

  if (isRoot) {
    const { tags, metadata } = traceContextOf(attributes);
    if (tags) out['langfuse.trace.tags'] = tags;
    for (const [key, value] of Object.entries(metadata ?? {})) {
      out[`langfuse.trace.metadata.${key}`] = value;
    }
  }
  return out;
}
