/**
 * The bundled price table: `@pydantic/genai-prices` (MIT, ~1,700 models of ~60 providers), loaded on the
 * first LLM span that the user's table does not price, never at import: requiring it takes ~75 ms and
 * ~2 MB of heap, which an app that never calls a model (or prices every model itself) must not pay. It is
 * required through `createRequire` so the ESM and the CJS build of core load the same, synchronous, CJS
 * copy inside a span processor's `onEnding`.
 */
import { createRequire } from 'node:module';
import type { DiagnosticLogger } from '../logger.js';

/** One price of the library's data: a number (USD per `per` units), or tiers by the call's input tokens. */
export type LibraryPrice = number | { base: number; tiers: { start: number; price: number }[] } | undefined;

/** The part of `@pydantic/genai-prices` used here. */
interface GenaiPrices {
  calcPrice(
    usage: Record<string, number>,
    modelId: string,
    options?: { providerId?: string; provider?: object; timestamp?: Date },
  ): {
    input_price: number;
    output_price: number;
    total_price: number;
    model: { id: string; prices: unknown };
    model_price: Record<string, LibraryPrice>;
    provider: { id: string };
  } | null;
}

/** A model found in the bundled table. */
export interface BundledModel {
  /** The library's ids, for the docs and debugging: `openai` / `gpt-4o-mini`. */
  providerId: string;
  modelId: string;
  /** The model's prices when they never change with the date or time of day (nearly all), else undefined. */
  fixed: Record<string, LibraryPrice> | undefined;
  /** A provider holding only this model, so a conditional price is computed without searching again. */
  alone: object;
}

/**
 * `gen_ai.provider.name` values (OpenTelemetry GenAI conventions) whose genai-prices id differs and is
 * not found by the library's own provider matching.
 */
const PROVIDER_IDS: Readonly<Record<string, string>> = {
  x_ai: 'x-ai',
  'gcp.gen_ai': 'google',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  'aws.bedrock': 'aws',
  mistral_ai: 'mistral',
  moonshot_ai: 'moonshotai',
};

const MAX_CACHED = 1000;
let library: GenaiPrices | null | undefined;
const found = new Map<string, BundledModel | null>();

/** The library, loaded on first use; undefined (and one warning) when it cannot be loaded. */
export function genaiPrices(logger: DiagnosticLogger): GenaiPrices | undefined {
  if (library === undefined) {
    try {
      // Resolved from this module's own location (tsup's shim gives the CJS build `import.meta.url`).
      library = createRequire(import.meta.url)('@pydantic/genai-prices') as GenaiPrices;
    } catch (error) {
      library = null;
      logger.once(
        'warn',
        `@pydantic/genai-prices could not be loaded (${String(error)}): only the prices given to init({ prices }) are used`,
        'genai-prices:load',
      );
    }
  }
  return library ?? undefined;
}

/** The bundled entry for a provider's model, or null when the table has none (answers are cached). */
export function findBundledModel(
  provider: string,
  model: string,
  logger: DiagnosticLogger,
): BundledModel | null {
  const key = `${provider}\u0000${model}`;
  const cached = found.get(key);
  if (cached !== undefined) return cached;
  const lib = genaiPrices(logger);
  if (lib === undefined) return null;
  let entry: BundledModel | null = null;
  try {
    const providerId = PROVIDER_IDS[provider] ?? provider;
    const result = lib.calcPrice({ input_tokens: 0 }, model, { providerId });
    if (result !== null) {
      entry = {
        providerId: result.provider.id,
        modelId: result.model.id,
        fixed: Array.isArray(result.model.prices) ? undefined : result.model_price,
        alone: { ...result.provider, models: [result.model] },
      };
    }
  } catch (error) {
    logger.once(
      'warn',
      `genai-prices failed for ${provider}/${model}: ${String(error)}`,
      `genai-prices:${key}`,
    );
  }
  if (found.size >= MAX_CACHED) found.clear();
  found.set(key, entry);
  return entry;
}

/** Today's prices of a model whose prices depend on the date or the time of day. */
export function currentPrices(
  entry: BundledModel,
  logger: DiagnosticLogger,
): Record<string, LibraryPrice> | undefined {
  if (entry.fixed !== undefined) return entry.fixed;
  try {
    return genaiPrices(logger)?.calcPrice({ input_tokens: 0 }, entry.modelId, {
      provider: entry.alone,
      timestamp: new Date(),
    })?.model_price;
  } catch {
    return undefined;
  }
}
