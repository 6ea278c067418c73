import { GlassboxConfigError } from '@glassbox/core';
import { rules } from '@glassbox/core/instrumentation';
import { isObj, type Obj } from '../internal/llm/parts.js';
import { defineHidden, TRACED } from '../internal/llm/patch.js';
import {
  clientSettings,
  type LlmTraceOptions,
  llmOptions,
  traceMethod,
  validateOptions,
} from '../internal/llm/trace-method.js';
import { messagesSpec } from './messages.js';

/** Options of `traceAnthropic`. */
export interface TraceAnthropicOptions extends LlmTraceOptions {
  /**
   * Keep the spans the Anthropic SDK emits by itself (its `openTelemetry` client option, on by default
   * in recent versions), nested under ours. Default false: they describe the same call with the same
   * token counts, so backends that sum `gen_ai.usage.*` would count every call twice.
   */
  sdkSpans?: boolean;
}

const OPTIONS = llmOptions<TraceAnthropicOptions>({ sdkSpans: rules.boolean() });

/**
 * Traces one Anthropic client instance and returns that same client, with the same type:
 * `messages.create` (and the `stream()`/`parse()` helpers built on it) and `beta.messages.create`
 * become GenAI spans; other clients and the SDK module itself are left untouched.
 */
export function traceAnthropic<Client extends object>(
  client: Client,
  options?: TraceAnthropicOptions,
): Client {
  const resolved = validateOptions(options, OPTIONS, 'traceAnthropic');
  if (!isObj(client)) {
    throw new GlassboxConfigError({
      option: 'traceAnthropic',
      message: 'expected an Anthropic client instance',
    });
  }
  if ((client as Record<symbol, unknown>)[TRACED]) return client;
  const c = client as Obj;
  const settings = clientSettings(client, 'traceAnthropic', 'anthropic', resolved);
  const traced = [
    traceMethod(c.messages, 'create', messagesSpec, settings),
    traceMethod(c.beta?.messages, 'create', messagesSpec, settings),
  ];
  if (!traced[0]) {
    throw new GlassboxConfigError({
      option: 'traceAnthropic',
      message: 'the client has no messages.create method',
    });
  }
  // The SDK reads `_tracer` at each call; without one it starts no span of its own for this client.
  if (!resolved.sdkSpans && '_tracer' in c) c._tracer = undefined;
  defineHidden(client, TRACED, true);
  return client;
}
