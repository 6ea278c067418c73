import { ATTR, type SpanType } from '@glassbox/core';
import { type Rule, rules } from '@glassbox/core/instrumentation';
import type { Attributes } from '@opentelemetry/api';
import { ATTRIBUTES, assertOptions, milliseconds } from '../options.js';
import { warnFailureOnce } from '../warn.js';
import { instrumentStream, isSdkStream } from './instrument-stream.js';
import { LlmCall, type StreamAggregator } from './llm-call.js';
import { observeResult } from './observe-result.js';
import { isObj, type Obj } from './parts.js';
import { patchMethod, serverOf } from './patch.js';

/** Options shared by `traceOpenAI` and `traceAnthropic`. */
export interface LlmTraceOptions {
  /** Record prompts and completions on this client's spans; default: the global `captureContent`. */
  captureContent?: boolean;
  /** Names each span; default `{operation} {model}` (for example `chat gpt-4o`). */
  name?: (operation: string, model: string | undefined) => string;
  /** Extra attributes on every span of this client; they win over the adapter's own (e.g. `gen_ai.provider.name`). */
  attributes?: Attributes;
  /** Ends the span of a stream nobody has read for this long, in ms (default 300000; 0 turns it off). */
  streamIdleTimeoutMs?: number;
}

/** How one SDK method maps to a GenAI span. */
export interface LlmMethodSpec {
  operation: 'chat' | 'text_completion' | 'embeddings';
  type: SpanType;
  /** Writes the request attributes read from the call's params (sampling settings, output type...) with `put`. */
  request(params: Obj, attributes: Attributes): void;
  /** Records the request content; only called when content capture is on. */
  input?(params: Obj, call: LlmCall): void;
  /** Records a complete (non-streamed) reply. */
  response(value: Obj, call: LlmCall, params: Obj): void;
  /** A fresh aggregator for a streamed reply. */
  stream?(params: Obj, call: LlmCall): StreamAggregator;
}

/** What every span of one traced client shares. */
export interface ClientSettings {
  /** The adapter, as its warnings name it (`traceOpenAI`). */
  adapter: string;
  provider: string;
  options: LlmTraceOptions;
  server: { address: string; port: number } | undefined;
}

/** Default `streamIdleTimeoutMs`: long enough for slow consumers, short enough not to leak spans. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

/** The rules of the options every LLM adapter takes; an adapter adds its own with `llmOptions`. */
const LLM_OPTION_RULES = {
  captureContent: rules.boolean(),
  name: rules.custom('a function (operation, model) => string', (v) => typeof v === 'function'),
  attributes: ATTRIBUTES,
  streamIdleTimeoutMs: milliseconds(0),
} satisfies Record<keyof LlmTraceOptions, Rule>;

/** The options rule of an LLM adapter: the shared options plus its own (`T`'s other keys). */
export function llmOptions<T extends LlmTraceOptions = LlmTraceOptions>(
  own?: Record<Exclude<keyof T, keyof LlmTraceOptions>, Rule>,
): Rule {
  return rules.object({ ...LLM_OPTION_RULES, ...own });
}

/** Validates adapter options against `rule`, each named under `where` (`traceOpenAI.name`). */
export function validateOptions<T extends LlmTraceOptions>(
  options: T | undefined,
  rule: Rule,
  where: string,
): T {
  if (options === undefined) return {} as T;
  assertOptions(options, rule, where);
  return options;
}

/** Reads the settings every span of a client shares. */
export function clientSettings(
  client: object,
  adapter: string,
  provider: string,
  options: LlmTraceOptions,
): ClientSettings {
  return { adapter, provider, options, server: serverOf((client as { baseURL?: unknown }).baseURL) };
}

/** Wraps `owner[key]` (an SDK resource method) so each call is a GenAI span; returns false when absent. */
export function traceMethod(
  owner: unknown,
  key: string,
  spec: LlmMethodSpec,
  settings: ClientSettings,
): boolean {
  return patchMethod(
    owner,
    key,
    (original) =>
      function (this: unknown, ...args: unknown[]): unknown {
        let call: LlmCall;
        const params: Obj = isObj(args[0]) ? args[0] : {};
        try {
          call = startCall(spec, params, settings);
        } catch (error) {
          warnFailureOnce(settings.adapter, 'start', 'could not start an LLM span', error);
          return original.apply(this, args);
        }
        if (!call.recording) return call.run(() => original.apply(this, args));
        let result: unknown;
        try {
          result = call.run(() => original.apply(this, args));
        } catch (error) {
          call.fail(error);
          throw error;
        }
        try {
          observeResult(result, call, (value) => settle(value, call, spec, params));
        } catch (error) {
          warnFailureOnce(settings.adapter, 'observe', 'could not observe an LLM call', error);
        }
        return result;
      },
  );
}

/** Sets `attributes[key]` unless the value is `undefined` or `null` (the SDK would drop those with a warning). */
export function put(attributes: Attributes, key: string, value: unknown): void {
  if (value !== undefined && value !== null) attributes[key] = value as Attributes[string];
}

function startCall(spec: LlmMethodSpec, params: Obj, settings: ClientSettings): LlmCall {
  const { options, server } = settings;
  const model = typeof params.model === 'string' ? params.model : undefined;
  // Written key by key into one object: no intermediate objects to build and walk per request.
  const attributes: Attributes = {};
  attributes[ATTR.GEN_AI_OPERATION_NAME] = spec.operation;
  put(attributes, ATTR.GEN_AI_PROVIDER_NAME, settings.provider);
  put(attributes, ATTR.GEN_AI_REQUEST_MODEL, model);
  if (server !== undefined) {
    attributes[ATTR.SERVER_ADDRESS] = server.address;
    attributes[ATTR.SERVER_PORT] = server.port;
  }
  spec.request(params, attributes);
  const extra = options.attributes;
  if (extra) for (const key in extra) put(attributes, key, extra[key]);
  const name = options.name
    ? options.name(spec.operation, model)
    : model
      ? `${spec.operation} ${model}`
      : spec.operation;
  const call = new LlmCall({
    adapter: settings.adapter,
    name,
    type: spec.type,
    attributes,
    captureContent: options.captureContent,
    idleTimeoutMs: options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  });
  if (call.contentOn && spec.input) {
    try {
      spec.input(params, call);
    } catch (error) {
      warnFailureOnce(settings.adapter, 'input', 'could not record an LLM request', error);
    }
  }
  return call;
}

// Runs inside promise callbacks: a throw here would surface as an unhandled rejection, so nothing escapes.
function settle(value: unknown, call: LlmCall, spec: LlmMethodSpec, params: Obj): void {
  if (call.isEnded) return;
  try {
    if (spec.stream && isSdkStream(value)) {
      call.streaming(spec.stream(params, call));
      instrumentStream(value as object, call);
      return;
    }
    if (isObj(value)) spec.response(value, call, params);
  } catch (error) {
    warnFailureOnce(call.adapter, 'response', 'could not record an LLM reply', error);
  }
  call.complete();
}
