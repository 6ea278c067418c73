import type { Attributes } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import type { DiagnosticLogger } from '../logger.js';
import { currentPrices, findBundledModel, type LibraryPrice } from './bundled-prices.js';
import type { ModelPrice } from './price-table.js';

/** Token counts of one call, normalised: `input` counts every input token, cached ones included. */
export interface TokenUsage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  /** Cache writes kept for an hour (Anthropic, charged 2x input), a part of `cacheWrite`. */
  cacheWrite1h: number;
  output: number;
  /** Reasoning tokens, a part of `output`. */
  reasoning: number;
}

/** What one call cost, in USD. */
export interface SpanCost {
  total: number;
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  /** The reasoning tokens' share of `output` (not added to the total again). */
  reasoning: number;
  source: 'user' | 'genai-prices';
}

/** How a runtime prices spans: the user's table (by `provider/model` and `model`) and the bundled one. */
export interface CostSettings {
  readonly table: ReadonlyMap<string, ModelPrice>;
  readonly bundled: boolean;
  readonly budgetUsd: number | undefined;
}

const PER_MTOK = 1e6;

/**
 * The token usage a span reports (GenAI conventions), or undefined when it reports none. The conventions
 * count cached tokens in `gen_ai.usage.input_tokens` for every provider (our Anthropic adapter adds them
 * to Anthropic's own count, which excludes them); a span whose cache counts exceed its input count was
 * made by an instrumentation that copied Anthropic's count as it is, so the cache counts are added (a
 * guess for other libraries' spans: our AI SDK adapter normalises the AI SDK's counts itself).
 */
export function usageOf(attrs: Attributes): TokenUsage | undefined {
  const inputRaw = attrs[ATTR.GEN_AI_USAGE_INPUT_TOKENS];
  const outputRaw = attrs[ATTR.GEN_AI_USAGE_OUTPUT_TOKENS];
  if (typeof inputRaw !== 'number' && typeof outputRaw !== 'number') return undefined;
  const cacheRead = count(attrs[ATTR.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]);
  const cacheWrite = count(attrs[ATTR.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]);
  let input = count(inputRaw);
  if (cacheRead + cacheWrite > input) input += cacheRead + cacheWrite;
  const output = count(outputRaw);
  const reasoning = Math.min(count(attrs[ATTR.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]), output);
  const cacheWrite1h = Math.min(count(attrs[ATTR.USAGE_CACHE_WRITE_1H_INPUT_TOKENS]), cacheWrite);
  return { input, cacheRead, cacheWrite, cacheWrite1h, output, reasoning };
}

/** Prices a span's usage: the user's table first (response model, then request model), then the bundled one. */
export function priceSpan(
  attrs: Attributes,
  usage: TokenUsage,
  settings: CostSettings,
  logger: DiagnosticLogger,
): SpanCost | undefined {
  const provider = text(attrs[ATTR.GEN_AI_PROVIDER_NAME]) ?? text(attrs['gen_ai.system']);
  const responseModel = text(attrs[ATTR.GEN_AI_RESPONSE_MODEL]);
  const requestModel = text(attrs[ATTR.GEN_AI_REQUEST_MODEL]);
  if (responseModel === undefined && requestModel === undefined) return undefined;
  if (settings.table.size > 0) {
    for (const model of [responseModel, requestModel]) {
      if (model === undefined) continue;
      const price =
        (provider !== undefined ? settings.table.get(`${provider}/${model}`) : undefined) ??
        settings.table.get(model);
      if (price !== undefined) return costFromTable(usage, price);
    }
  }
  if (settings.bundled && provider !== undefined) {
    for (const model of [responseModel, requestModel]) {
      if (model === undefined) continue;
      const entry = findBundledModel(provider, model, logger);
      if (entry === null) continue;
      const prices = currentPrices(entry, logger);
      if (prices !== undefined) return costFromLibrary(usage, prices);
    }
  }
  const model = responseModel ?? requestModel;
  logger.once(
    'warn',
    `no price for model "${model}" of provider "${provider ?? '(no gen_ai.provider.name)'}": its spans get no cost; ` +
      `add it to init({ prices: { '${provider ?? 'provider'}/${model}': { inputPerMTok, outputPerMTok } } })`,
    `price:${provider}/${model}`,
  );
  return undefined;
}

/**
 * The cost of a call at the user's prices (cache prices default to the input price, 1-hour cache writes
 * to the cache write price, reasoning to output).
 */
export function costFromTable(usage: TokenUsage, price: ModelPrice): SpanCost {
  const uncached = Math.max(0, usage.input - usage.cacheRead - usage.cacheWrite);
  const input = (uncached * price.inputPerMTok) / PER_MTOK;
  const cacheRead = (usage.cacheRead * (price.cacheReadPerMTok ?? price.inputPerMTok)) / PER_MTOK;
  const writePrice = price.cacheWritePerMTok ?? price.inputPerMTok;
  const cacheWrite =
    ((usage.cacheWrite - usage.cacheWrite1h) * writePrice +
      usage.cacheWrite1h * (price.cacheWrite1hPerMTok ?? writePrice)) /
    PER_MTOK;
  const reasoning = (usage.reasoning * (price.reasoningPerMTok ?? price.outputPerMTok)) / PER_MTOK;
  const output = ((usage.output - usage.reasoning) * price.outputPerMTok) / PER_MTOK + reasoning;
  return finish(input, cacheRead, cacheWrite, output, reasoning, 0, 'user');
}

/**
 * The cost of a call at a genai-prices model's prices, computed as the library computes it for these
 * token kinds (a price tier is chosen by the call's input tokens; a token kind without a price of its
 * own is charged as its parent kind), without its per-call validation (~35 µs): costs.test.ts checks
 * both agree on every bundled model.
 */
export function costFromLibrary(usage: TokenUsage, prices: Record<string, LibraryPrice>): SpanCost {
  const at = (price: LibraryPrice, tokens: number) =>
    price === undefined || tokens <= 0 ? 0 : (tierPrice(price, usage.input) * tokens) / PER_MTOK;
  const readPriced = prices.cache_read_mtok !== undefined;
  const writePriced = prices.cache_write_mtok !== undefined;
  const reasoningPriced = prices.output_reasoning_mtok !== undefined;
  const uncached = Math.max(
    0,
    usage.input - (readPriced ? usage.cacheRead : 0) - (writePriced ? usage.cacheWrite : 0),
  );
  const input = at(prices.input_mtok, uncached);
  const cacheRead = readPriced ? at(prices.cache_read_mtok, usage.cacheRead) : 0;
  // 1-hour writes (a part of the writes) at their own price where the table has one, as the library does.
  const oneHour = writePriced && prices.cache_write_1h_mtok !== undefined ? usage.cacheWrite1h : 0;
  const cacheWrite = writePriced
    ? at(prices.cache_write_mtok, usage.cacheWrite - oneHour) + at(prices.cache_write_1h_mtok, oneHour)
    : 0;
  const reasoning = at(reasoningPriced ? prices.output_reasoning_mtok : prices.output_mtok, usage.reasoning);
  const output = at(prices.output_mtok, usage.output - usage.reasoning) + reasoning;
  // A fee per request (a few models), part of the total only.
  const perRequest = typeof prices.requests_kcount === 'number' ? prices.requests_kcount / 1000 : 0;
  return finish(input, cacheRead, cacheWrite, output, reasoning, perRequest, 'genai-prices');
}

/** Writes a call's cost to its span: `gen_ai.usage.cost` (what Langfuse reads) and our breakdown. */
export function setCostAttributes(
  span: { setAttribute(key: string, value: number | string): unknown },
  cost: SpanCost,
): void {
  span.setAttribute(ATTR.GEN_AI_USAGE_COST, cost.total);
  span.setAttribute(ATTR.COST_INPUT_USD, cost.input);
  span.setAttribute(ATTR.COST_OUTPUT_USD, cost.output);
  if (cost.cacheRead > 0) span.setAttribute(ATTR.COST_CACHE_READ_USD, cost.cacheRead);
  if (cost.cacheWrite > 0) span.setAttribute(ATTR.COST_CACHE_WRITE_USD, cost.cacheWrite);
  if (cost.reasoning > 0) span.setAttribute(ATTR.COST_REASONING_USD, cost.reasoning);
  span.setAttribute(ATTR.COST_PRICE_SOURCE, cost.source);
}

/** Rounds away binary noise (0.1 + 0.2); a hundredth of a billionth of a dollar is below any price. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}

function finish(
  input: number,
  cacheRead: number,
  cacheWrite: number,
  output: number,
  reasoning: number,
  other: number,
  source: SpanCost['source'],
): SpanCost {
  return {
    // Reasoning is a part of the output: not added again.
    total: roundUsd(input + cacheRead + cacheWrite + output + other),
    input: roundUsd(input),
    cacheRead: roundUsd(cacheRead),
    cacheWrite: roundUsd(cacheWrite),
    output: roundUsd(output),
    reasoning: roundUsd(reasoning),
    source,
  };
}

function tierPrice(price: Exclude<LibraryPrice, undefined>, inputTokens: number): number {
  if (typeof price === 'number') return price;
  let chosen = price.base;
  let from = -1;
  for (const tier of price.tiers) {
    if (inputTokens > tier.start && tier.start > from) {
      chosen = tier.price;
      from = tier.start;
    }
  }
  return chosen;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
