import type { Attributes } from '@opentelemetry/api';
import { inputMessagesOf, outputMessagesOf, toOpenAiMessage } from './chat-messages.js';
import {
  costOf,
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

const text = (io: IoValue): string => io.value;

/** The Langfuse attributes for one span; `isRoot` adds the trace-level ones. */
export function langfuseAttributes(attributes: Attributes, isRoot: boolean): Attributes {
  const out: Attributes = {};
  const type = spanTypeOf(attributes);
  out['langfuse.observation.type'] = OBSERVATION_TYPES[type ?? 'UNKNOWN'] ?? 'span';

  let input: IoValue | undefined;
  let output: IoValue | undefined;
  if (isFeedback(attributes)) {
    ({ input, output } = feedbackOf(attributes));
  } else if (type === 'LLM') {
    // Langfuse renders OpenAI-format messages as a chat.
    const messages = inputMessagesOf(attributes);
    const choices = outputMessagesOf(attributes);
    if (messages) input = toIo(messages.map(toOpenAiMessage));
    if (choices)
      output = toIo(choices.length === 1 ? toOpenAiMessage(choices[0]!) : choices.map(toOpenAiMessage));
  } else if (type === 'GUARDRAIL' && !attributes['glassbox.outputs']) {
    const decision = guardrailOf(attributes);
    if (decision) output = toIo(decision);
  }
  input ??= ioValue(attributes['glassbox.inputs']);
  output ??= ioValue(attributes['glassbox.outputs']);
  if (input) out['langfuse.observation.input'] = text(input);
  if (output) out['langfuse.observation.output'] = text(output);

  if (type === 'LLM' || type === 'EMBEDDING') {
    const model = modelOf(attributes);
    if (model) out['langfuse.observation.model.name'] = model;
    const params = requestParamsOf(attributes);
    if (params) out['langfuse.observation.model.parameters'] = JSON.stringify(params);
    const usage = usageOf(attributes);
    if (usage) {
      out['langfuse.observation.usage_details'] = JSON.stringify({
        ...(usage.input !== undefined ? { input: usage.input } : {}),
        ...(usage.output !== undefined ? { output: usage.output } : {}),
        total: usage.total,
        ...(usage.cacheRead !== undefined ? { cache_read_input_tokens: usage.cacheRead } : {}),
        ...(usage.cacheWrite !== undefined ? { cache_creation_input_tokens: usage.cacheWrite } : {}),
      });
    }
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
    const tags = tagsOf(attributes);
    if (tags) out['langfuse.trace.tags'] = tags;
    for (const [key, value] of Object.entries(metadataOf(attributes) ?? {})) {
      out[`langfuse.trace.metadata.${key}`] = value;
    }
  }
  return out;
}
