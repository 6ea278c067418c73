import { ATTR, SpanType } from '@glassbox/core';
import { isObj, num, str } from '../internal/llm/parts.js';
import type { LlmMethodSpec } from '../internal/llm/trace-method.js';

/** `embeddings.create`: operation `embeddings`, span type EMBEDDING; the vectors themselves are never recorded. */
export const embeddingsSpec: LlmMethodSpec = {
  operation: 'embeddings',
  type: SpanType.EMBEDDING,
  request(params, attributes) {
    // Only what the application asked for: the SDK silently requests base64 when no format is given.
    if (typeof params.encoding_format === 'string') {
      attributes[ATTR.GEN_AI_REQUEST_ENCODING_FORMATS] = [params.encoding_format];
    }
  },
  input(params, call) {
    // The GenAI conventions define no message attribute for embeddings; the input text is the span's input.
    call.content(ATTR.INPUTS, { input: params.input });
  },
  response(result, call) {
    const usage = isObj(result.usage) ? result.usage : {};
    call.attr(ATTR.GEN_AI_RESPONSE_MODEL, str(result.model));
    call.attr(ATTR.GEN_AI_USAGE_INPUT_TOKENS, num(usage.prompt_tokens) ?? num(usage.input_tokens));
  },
};
