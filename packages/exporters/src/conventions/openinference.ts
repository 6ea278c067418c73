import type { Attributes } from '@opentelemetry/api';
import { type ChatMessage, inputMessagesOf, outputMessagesOf } from './chat-messages.js';
import {
  backendSpanType,
  costOf,
  documentsOf,
  type IoValue,
  ioValue,
  modelOf,
  parseJson,
  requestParamsOf,
  traceContextOf,
  usageOf,
} from './span-facts.js';
import { stepIoOf } from './step-io.js';

// OpenInference (github.com/Arize-ai/openinference, spec/semantic_conventions.md): what Phoenix reads,
// and what MLflow and Langfuse read after their own keys.

/** Glassbox span types OpenInference lacks, as the kind it shows them as: a step (CHAIN). */
const SPAN_KIND_RENAMES = { QUERY_REWRITE: 'CHAIN', PARSER: 'CHAIN' } as const;

const JSON_MIME = 'application/json';
const TEXT_MIME = 'text/plain';

function setIo(out: Attributes, which: 'input' | 'output', io: IoValue | undefined): void {
  if (!io) return;
  out[`${which}.value`] = io.value;
  out[`${which}.mime_type`] = io.json ? JSON_MIME : TEXT_MIME;
}

function setMessages(out: Attributes, prefix: string, messages: ChatMessage[]): void {
  for (const [i, m] of messages.entries()) {
    const p = `${prefix}.${i}.message`;
    out[`${p}.role`] = m.role;
    if (m.content !== '') out[`${p}.content`] = m.content;
    if (m.name) out[`${p}.name`] = m.name;
    if (m.toolCallId) out[`${p}.tool_call_id`] = m.toolCallId;
    for (const [j, call] of m.toolCalls.entries()) {
      const c = `${p}.tool_calls.${j}.tool_call`;
      if (call.id) out[`${c}.id`] = call.id;
      out[`${c}.function.name`] = call.name;
      out[`${c}.function.arguments`] = call.arguments;
    }
  }
}

/** The OpenInference attributes for one span of `type` (`spanTypeOf`), from its Glassbox and GenAI attributes. */
export function openInferenceAttributes(attributes: Attributes, type: string | undefined): Attributes {
  const out: Attributes = {};
  out['openinference.span.kind'] = backendSpanType(type, SPAN_KIND_RENAMES);

  const { input, output } = stepIoOf(attributes, type, () => {
    if (type !== 'LLM') return {};
    const messages = inputMessagesOf(attributes);
    const choices = outputMessagesOf(attributes);
    if (messages) setMessages(out, 'llm.input_messages', messages);
    if (choices) setMessages(out, 'llm.output_messages', choices);
    // The messages whole as well, as the GenAI conventions carry them.
    return {
      input: ioValue(attributes['gen_ai.input.messages']),
      output: ioValue(attributes['gen_ai.output.messages']),
    };
  });
  setIo(out, 'input', input);
  setIo(out, 'output', output);

  const model = modelOf(attributes);
  if (model && type === 'EMBEDDING') out['embedding.model_name'] = model;
  else if (model) out['llm.model_name'] = model;
  const provider = attributes['gen_ai.provider.name'];
  if (typeof provider === 'string') {
    out['llm.provider'] = provider;
    out['llm.system'] = provider;
  }
  const params = type === 'LLM' ? requestParamsOf(attributes) : undefined;
  if (params) out['llm.invocation_parameters'] = JSON.stringify(params);
  const tools = parseJson(attributes['gen_ai.tool.definitions']);
  if (Array.isArray(tools)) {
    for (const [i, tool] of tools.entries()) out[`llm.tools.${i}.tool.json_schema`] = JSON.stringify(tool);
  }

  const usage = usageOf(attributes);
  if (usage) {
    if (usage.input !== undefined) out['llm.token_count.prompt'] = usage.input;
    if (usage.output !== undefined) out['llm.token_count.completion'] = usage.output;
    if (usage.total !== undefined) out['llm.token_count.total'] = usage.total;
    if (usage.cacheRead !== undefined) out['llm.token_count.prompt_details.cache_read'] = usage.cacheRead;
    if (usage.cacheWrite !== undefined) out['llm.token_count.prompt_details.cache_write'] = usage.cacheWrite;
    if (usage.reasoning !== undefined) out['llm.token_count.completion_details.reasoning'] = usage.reasoning;
  }
  const cost = costOf(attributes);
  if (cost) {
    out['llm.cost.total'] = cost.total;
    if (cost.input !== undefined) out['llm.cost.prompt'] = cost.input;
    if (cost.output !== undefined) out['llm.cost.completion'] = cost.output;
    if (cost.cacheRead !== undefined) out['llm.cost.prompt_details.cache_read'] = cost.cacheRead;
    if (cost.cacheWrite !== undefined) out['llm.cost.prompt_details.cache_write'] = cost.cacheWrite;
  }

  const toolName = attributes['gen_ai.tool.name'];
  if (typeof toolName === 'string') out['tool.name'] = toolName;
  const toolDescription = attributes['gen_ai.tool.description'];
  if (typeof toolDescription === 'string') out['tool.description'] = toolDescription;
  const toolCallId = attributes['gen_ai.tool.call.id'];
  if (typeof toolCallId === 'string') out['tool.id'] = toolCallId;

  for (const [i, doc] of (documentsOf(attributes) ?? []).entries()) {
    const p = `retrieval.documents.${i}.document`;
    if (doc.id !== undefined) out[`${p}.id`] = doc.id;
    if (doc.content !== undefined) out[`${p}.content`] = doc.content;
    if (doc.score !== undefined) out[`${p}.score`] = doc.score;
    if (doc.metadata !== undefined) out[`${p}.metadata`] = JSON.stringify(doc.metadata);
  }

  const variables = attributes['glassbox.prompt.variables'];
  if (typeof variables === 'string') out['llm.prompt_template.variables'] = variables;
  const version = attributes['glassbox.prompt.version'];
  if (version !== undefined) out['llm.prompt_template.version'] = String(version);

  // session.id and user.id are already OpenInference's own keys.
  const { tags, metadata } = traceContextOf(attributes);
  if (tags) out['tag.tags'] = tags;
  if (metadata) out.metadata = JSON.stringify(metadata);
  return out;
}
