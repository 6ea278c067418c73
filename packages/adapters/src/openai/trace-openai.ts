import { GlassboxConfigError } from '@glassbox/core';
import { isObj, type Obj } from '../internal/llm/parts.js';
import { defineHidden, TRACED } from '../internal/llm/patch.js';
import {
  clientSettings,
  type LlmTraceOptions,
  llmOptions,
  traceMethod,
  validateOptions,
} from '../internal/llm/trace-method.js';
import { chatCompletionsSpec } from './chat.js';
import { completionsSpec } from './completions.js';
import { embeddingsSpec } from './embeddings.js';
import { responsesSpec } from './responses.js';

/** Options of `traceOpenAI`. */
export type TraceOpenAIOptions = LlmTraceOptions;

const OPTIONS = llmOptions();

/**
 * Traces one OpenAI client instance (openai v4 and later) and returns that same client, with the same
 * type: `chat.completions.create` (and the `parse`/`stream`/`runTools` helpers built on it),
 * `responses.create` (and `parse`/`stream`), `completions.create` and `embeddings.create` become
 * GenAI spans; other clients and the SDK module itself are left untouched.
 */
export function traceOpenAI<Client extends object>(client: Client, options?: TraceOpenAIOptions): Client {
  const resolved = validateOptions(options, OPTIONS, 'traceOpenAI');
  if (!isObj(client)) {
    throw new GlassboxConfigError({ option: 'traceOpenAI', message: 'expected an OpenAI client instance' });
  }
  if ((client as Record<symbol, unknown>)[TRACED]) return client;
  const c = client as Obj;
  const settings = clientSettings(client, 'traceOpenAI', 'openai', resolved);
  const traced = [
    traceMethod(c.chat?.completions, 'create', chatCompletionsSpec, settings),
    traceMethod(c.responses, 'create', responsesSpec, settings),
    traceMethod(c.completions, 'create', completionsSpec, settings),
    traceMethod(c.embeddings, 'create', embeddingsSpec, settings),
  ];
  // Fail loudly at startup rather than emit nothing after an SDK upgrade changed the client's shape.
  if (!traced.some(Boolean)) {
    throw new GlassboxConfigError({
      option: 'traceOpenAI',
      message:
        'the client has none of chat.completions.create, responses.create, completions.create, embeddings.create',
    });
  }
  defineHidden(client, TRACED, true);
  return client;
}
