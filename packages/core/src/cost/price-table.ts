import { type Rule, rules } from '../option-check.js';

/** What one model costs, in USD per million tokens; the cache and reasoning prices default to the input and output ones. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Input tokens read from the provider's prompt cache (default: `inputPerMTok`). */
  cacheReadPerMTok?: number;
  /** Input tokens written to the prompt cache (default: `inputPerMTok`). */
  cacheWritePerMTok?: number;
  /** Input tokens written to the prompt cache for an hour (Anthropic's 1-hour TTL; default: `cacheWritePerMTok`). */
  cacheWrite1hPerMTok?: number;
  /** Reasoning tokens, a part of the output tokens (default: `outputPerMTok`). */
  reasoningPerMTok?: number;
}

/**
 * The user's prices, keyed by `provider/model` (`openai/gpt-4o-mini`, the provider as in
 * `gen_ai.provider.name`) or by `model` alone (any provider); they win over the bundled table.
 */
export type PriceTable = Record<string, ModelPrice>;

/** Optional per-trace cost limits. */
export interface BudgetOptions {
  /** `GLASSBOX_BUDGET_PER_TRACE_USD`: a trace whose LLM calls cost more is flagged on its root span and warned about once. */
  perTraceUsd?: number;
}

const PRICE = rules.number(0);

/** What `init({ prices })` accepts: a table of model prices, or `false` for no cost attributes at all. */
export const PRICES_RULE: Rule = rules.anyOf(
  rules.oneOf([false]),
  rules.recordOf(
    rules.object(
      {
        inputPerMTok: PRICE,
        outputPerMTok: PRICE,
        cacheReadPerMTok: PRICE,
        cacheWritePerMTok: PRICE,
        cacheWrite1hPerMTok: PRICE,
        reasoningPerMTok: PRICE,
      },
      { required: ['inputPerMTok', 'outputPerMTok'] },
    ),
  ),
);
