import { ATTR } from '@glassbox/core';
import type { AttributeMap } from '../internal/attribute-map.js';

type Obj = Record<string, any>;

const PROVIDERS: Record<string, string> = {
  'amazon-bedrock': 'aws.bedrock',
  azure: 'azure.ai.openai',
  'azure-openai': 'azure.ai.openai',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  vertex: 'gcp.vertex_ai',
};

/**
 * The `gen_ai.provider.name` for an AI SDK provider id (`openai.chat`, `anthropic.messages`,
 * `google.vertex.chat`...): the well-known convention value where there is one, else the id's first segment.
 */
export function providerName(provider: unknown): string | undefined {
  if (typeof provider !== 'string' || provider === '') return undefined;
  const [head = provider, second] = provider.split('.');
  if (head === 'google') return second === 'vertex' ? 'gcp.vertex_ai' : 'gcp.gemini';
  return PROVIDERS[head] ?? head;
}

const FINISH: Record<string, string> = { 'tool-calls': 'tool_call', 'content-filter': 'content_filter' };

/** The GenAI output-message finish reason for an AI SDK unified finish reason (`tool-calls` → `tool_call`). */
export function finishReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  return FINISH[reason] ?? reason.replace(/-/g, '_');
}

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;

/** Providers whose own input count leaves out cached tokens (Anthropic's, also on Vertex and Bedrock). */
const CACHE_EXCLUSIVE = /(^|\.)anthropic(\.|$)/;

/**
 * `gen_ai.usage.*` attributes for an AI SDK usage object (v7 details, v6 flat fields and v4/v5 names),
 * with `gen_ai.usage.input_tokens` counting cached tokens as the GenAI conventions say: v6+ report the
 * provider's breakdown (uncached + cache read + cache write), while v4/v5 copy Anthropic's own input count,
 * which leaves the cache out (its writes only in `providerMetadata.anthropic`). `provider` is the AI SDK
 * provider id (`anthropic.messages`), `metadata` the call's provider metadata (object or JSON).
 */
export function usageAttributes(usage: unknown, provider?: unknown, metadata?: unknown): AttributeMap {
  if (typeof usage !== 'object' || usage === null) return {};
  const u = usage as Obj;
  const details = u.inputTokenDetails as Obj | undefined;
  const anthropic = objectOf(objectOf(metadata)?.anthropic);
  const cacheRead =
    num(details?.cacheReadTokens) ?? num(u.cachedInputTokens) ?? num(anthropic?.cacheReadInputTokens);
  const cacheWrite = num(details?.cacheWriteTokens) ?? num(anthropic?.cacheCreationInputTokens);
  let input = num(u.inputTokens) ?? num(u.promptTokens);
  const noCache = num(details?.noCacheTokens);
  if (noCache !== undefined) {
    input = Math.max(input ?? 0, noCache + (cacheRead ?? 0) + (cacheWrite ?? 0));
  } else if (input !== undefined && typeof provider === 'string' && CACHE_EXCLUSIVE.test(provider)) {
    input += (cacheRead ?? 0) + (cacheWrite ?? 0);
  }
  // Anthropic's raw usage (v7 `usage.raw`, or the provider metadata's copy) splits writes by cache TTL.
  const raw = objectOf(u.raw) ?? objectOf(anthropic?.usage);
  const oneHour = num(objectOf(raw?.cache_creation)?.ephemeral_1h_input_tokens);
  return {
    [ATTR.GEN_AI_USAGE_INPUT_TOKENS]: input,
    [ATTR.GEN_AI_USAGE_OUTPUT_TOKENS]: num(u.outputTokens) ?? num(u.completionTokens),
    [ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: cacheRead,
    [ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: cacheWrite,
    [ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS]: oneHour !== undefined && oneHour > 0 ? oneHour : undefined,
    [ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]:
      num(u.outputTokenDetails?.reasoningTokens) ?? num(u.reasoningTokens),
  };
}

function objectOf(value: unknown): Obj | undefined {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : undefined;
}

/** `gen_ai.request.*` attributes for the AI SDK call settings of a model call. */
export function requestAttributes(settings: Obj): AttributeMap {
  const stop = settings.stopSequences;
  return {
    [ATTR.GEN_AI_REQUEST_TEMPERATURE]: num(settings.temperature),
    [ATTR.GEN_AI_REQUEST_TOP_P]: num(settings.topP),
    [ATTR.GEN_AI_REQUEST_TOP_K]: num(settings.topK),
    [ATTR.GEN_AI_REQUEST_MAX_TOKENS]: num(settings.maxOutputTokens),
    [ATTR.GEN_AI_REQUEST_SEED]: num(settings.seed),
    [ATTR.GEN_AI_REQUEST_FREQUENCY_PENALTY]: num(settings.frequencyPenalty),
    [ATTR.GEN_AI_REQUEST_PRESENCE_PENALTY]: num(settings.presencePenalty),
    [ATTR.GEN_AI_REQUEST_STOP_SEQUENCES]:
      Array.isArray(stop) && stop.length > 0 ? stop.map(String) : undefined,
  };
}

/** `server.address` / `server.port` for the origin a provider reported, if it parses as a URL. */
export function serverAttributes(url: unknown): AttributeMap {
  if (typeof url !== 'string') return {};
  try {
    const parsed = new URL(url);
    const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
    return { [ATTR.SERVER_ADDRESS]: parsed.hostname, [ATTR.SERVER_PORT]: port };
  } catch {
    return {};
  }
}
