/**
 * The one table of every span attribute name Glassbox writes.
 *
 * The GenAI semantic conventions are still moving; a rename is one edit here. Names are copied from
 * the OpenTelemetry GenAI conventions (v1.41) rather than imported from the deprecated `/incubating`
 * entry of `@opentelemetry/semantic-conventions`, so nothing at run time depends on it.
 */
export const ATTR = {
  // Glassbox's own keys (one prefix).
  SPAN_TYPE: 'glassbox.span.type',
  INPUTS: 'glassbox.inputs',
  OUTPUTS: 'glassbox.outputs',
  TRUNCATED: 'glassbox.truncated',
  TRACE_TAGS: 'glassbox.trace.tags',
  TRACE_METADATA_PREFIX: 'glassbox.trace.metadata.',
  TIME_TO_FIRST_ITEM_MS: 'glassbox.time_to_first_item_ms',
  ITEM_COUNT: 'glassbox.item_count',
  STREAM_END: 'glassbox.stream.end',
  END_REASON: 'glassbox.end_reason',
  LLM_TIME_TO_FIRST_TOKEN_MS: 'glassbox.llm.time_to_first_token_ms',

  // General OpenTelemetry conventions.
  SESSION_ID: 'session.id',
  USER_ID: 'user.id',
  ERROR_TYPE: 'error.type',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',

  // GenAI: operation and provider.
  GEN_AI_OPERATION_NAME: 'gen_ai.operation.name',
  GEN_AI_PROVIDER_NAME: 'gen_ai.provider.name',
  GEN_AI_CONVERSATION_ID: 'gen_ai.conversation.id',
  GEN_AI_OUTPUT_TYPE: 'gen_ai.output.type',
  GEN_AI_DATA_SOURCE_ID: 'gen_ai.data_source.id',

  // GenAI: request.
  GEN_AI_REQUEST_MODEL: 'gen_ai.request.model',
  GEN_AI_REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  GEN_AI_REQUEST_TOP_P: 'gen_ai.request.top_p',
  GEN_AI_REQUEST_TOP_K: 'gen_ai.request.top_k',
  GEN_AI_REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  GEN_AI_REQUEST_STOP_SEQUENCES: 'gen_ai.request.stop_sequences',
  GEN_AI_REQUEST_SEED: 'gen_ai.request.seed',
  GEN_AI_REQUEST_FREQUENCY_PENALTY: 'gen_ai.request.frequency_penalty',
  GEN_AI_REQUEST_PRESENCE_PENALTY: 'gen_ai.request.presence_penalty',
  GEN_AI_REQUEST_CHOICE_COUNT: 'gen_ai.request.choice.count',
  GEN_AI_REQUEST_ENCODING_FORMATS: 'gen_ai.request.encoding_formats',

  // GenAI: response and usage.
  GEN_AI_RESPONSE_ID: 'gen_ai.response.id',
  GEN_AI_RESPONSE_MODEL: 'gen_ai.response.model',
  GEN_AI_RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  GEN_AI_USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  GEN_AI_USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: 'gen_ai.usage.cache_read.input_tokens',
  GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: 'gen_ai.usage.cache_creation.input_tokens',
  GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: 'gen_ai.usage.reasoning.output_tokens',

  // GenAI: content (only when capture is on).
  GEN_AI_SYSTEM_INSTRUCTIONS: 'gen_ai.system_instructions',
  GEN_AI_INPUT_MESSAGES: 'gen_ai.input.messages',
  GEN_AI_OUTPUT_MESSAGES: 'gen_ai.output.messages',
  GEN_AI_TOOL_DEFINITIONS: 'gen_ai.tool.definitions',

  // GenAI: tools.
  GEN_AI_TOOL_NAME: 'gen_ai.tool.name',
  GEN_AI_TOOL_CALL_ID: 'gen_ai.tool.call.id',
  GEN_AI_TOOL_DESCRIPTION: 'gen_ai.tool.description',
  GEN_AI_TOOL_TYPE: 'gen_ai.tool.type',

  // Retrieval.
  RETRIEVAL_QUERY: 'glassbox.retrieval.query',
  RETRIEVAL_DOCUMENTS: 'glassbox.retrieval.documents',
  RETRIEVAL_DOCUMENT_COUNT: 'glassbox.retrieval.document_count',

  // Query rewrite.
  REWRITE_ORIGINAL: 'glassbox.rewrite.original',
  REWRITE_REWRITTEN: 'glassbox.rewrite.rewritten',
  REWRITE_CHANGED: 'glassbox.rewrite.changed',
  REWRITE_SIMILARITY: 'glassbox.rewrite.similarity',
  REWRITE_LENGTH_RATIO: 'glassbox.rewrite.length_ratio',
  REWRITE_FLAGGED: 'glassbox.rewrite.flagged',
  REWRITE_FLAG_EVENT: 'glassbox.rewrite.flag',
  REWRITE_FLAG_REASONS: 'glassbox.rewrite.flag.reasons',
  REWRITE_FLAG_REASON: 'glassbox.rewrite.flag.reason',
  REWRITE_FLAG_VALUE: 'glassbox.rewrite.flag.value',
  REWRITE_FLAG_THRESHOLD: 'glassbox.rewrite.flag.threshold',

  // Prompts.
  PROMPT_NAME: 'glassbox.prompt.name',
  PROMPT_VERSION: 'glassbox.prompt.version',
  PROMPT_VARIABLES: 'glassbox.prompt.variables',
  PROMPT_RENDERED_LENGTH: 'glassbox.prompt.rendered_length',
  PROMPT_OVER_BUDGET_EVENT: 'glassbox.prompt.over_budget',
  PROMPT_MAX_CHARS: 'glassbox.prompt.max_chars',

  // Feedback.
  FEEDBACK_NAME: 'glassbox.feedback.name',
  FEEDBACK_VALUE: 'glassbox.feedback.value',
  FEEDBACK_RATIONALE: 'glassbox.feedback.rationale',
  FEEDBACK_SOURCE: 'glassbox.feedback.source',
  FEEDBACK_TARGET_TRACE_ID: 'glassbox.feedback.target.trace_id',
  FEEDBACK_TARGET_SPAN_ID: 'glassbox.feedback.target.span_id',
  FEEDBACK_SOURCE_ID: 'glassbox.feedback.source.id',
  FEEDBACK_EXPECTATIONS: 'glassbox.feedback.expectations',
  FEEDBACK_ID: 'glassbox.feedback.id',

  // Evaluation results (OpenTelemetry GenAI `gen_ai.evaluation.result` event) and eval runs.
  GEN_AI_EVALUATION_RESULT_EVENT: 'gen_ai.evaluation.result',
  GEN_AI_EVALUATION_NAME: 'gen_ai.evaluation.name',
  GEN_AI_EVALUATION_SCORE_VALUE: 'gen_ai.evaluation.score.value',
  GEN_AI_EVALUATION_SCORE_LABEL: 'gen_ai.evaluation.score.label',
  GEN_AI_EVALUATION_EXPLANATION: 'gen_ai.evaluation.explanation',
  EVAL_RUN_ID: 'glassbox.eval.run_id',
  EVAL_EXAMPLE_ID: 'glassbox.eval.example_id',

  // Cost (USD), per LLM/embedding span and summed on each trace's root span.
  GEN_AI_USAGE_COST: 'gen_ai.usage.cost',
  COST_INPUT_USD: 'glassbox.cost.input_usd',
  COST_OUTPUT_USD: 'glassbox.cost.output_usd',
  COST_CACHE_READ_USD: 'glassbox.cost.cache_read_usd',
  COST_CACHE_WRITE_USD: 'glassbox.cost.cache_write_usd',
  COST_REASONING_USD: 'glassbox.cost.reasoning_usd',
  /** Cache writes with Anthropic's 1-hour TTL, a part of `gen_ai.usage.cache_creation.input_tokens`. */
  USAGE_CACHE_WRITE_1H_INPUT_TOKENS: 'glassbox.usage.cache_creation_1h.input_tokens',
  COST_PRICE_SOURCE: 'glassbox.cost.price_source',
  TRACE_COST_USD: 'glassbox.trace.cost_usd',
  TRACE_INPUT_TOKENS: 'glassbox.trace.input_tokens',
  TRACE_OUTPUT_TOKENS: 'glassbox.trace.output_tokens',
  TRACE_OVER_BUDGET: 'glassbox.trace.over_budget',
  TRACE_BUDGET_USD: 'glassbox.trace.budget_usd',

  // Guardrails.
  GUARDRAIL_NAME: 'glassbox.guardrail.name',
  GUARDRAIL_DECISION: 'glassbox.guardrail.decision',
  GUARDRAIL_REASON: 'glassbox.guardrail.reason',
  GUARDRAIL_SCORE: 'glassbox.guardrail.score',
  GUARDRAIL_POLICY: 'glassbox.guardrail.policy',
  GUARDRAIL_BLOCKED_EVENT: 'glassbox.guardrail.blocked',

  // MCP (OpenTelemetry MCP conventions) and JSON-RPC.
  MCP_METHOD_NAME: 'mcp.method.name',
  MCP_SESSION_ID: 'mcp.session.id',
  MCP_PROTOCOL_VERSION: 'mcp.protocol.version',
  MCP_RESOURCE_URI: 'mcp.resource.uri',
  GEN_AI_PROMPT_NAME: 'gen_ai.prompt.name',
  JSONRPC_REQUEST_ID: 'jsonrpc.request.id',
  JSONRPC_PROTOCOL_VERSION: 'jsonrpc.protocol.version',
  RPC_RESPONSE_STATUS_CODE: 'rpc.response.status_code',
  NETWORK_TRANSPORT: 'network.transport',
  NETWORK_PROTOCOL_NAME: 'network.protocol.name',
  NETWORK_PROTOCOL_VERSION: 'network.protocol.version',
  CLIENT_ADDRESS: 'client.address',
  CLIENT_PORT: 'client.port',
} as const;

/** A span attribute name written by Glassbox. */
export type AttributeName = (typeof ATTR)[keyof typeof ATTR];
