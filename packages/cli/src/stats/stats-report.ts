// The shape of `glassbox stats --json`: plain numbers and strings, durations in milliseconds, costs in USD.

/** Latency of one step (span name). Percentiles are nearest-rank over every span of that name. */
export interface StepStats {
  name: string;
  /** The most common span type among the step's spans (`LLM`, `TOOL`, ..., `UNKNOWN`). */
  spanType: string;
  count: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  totalMs: number;
}

/** Failures of one step. */
export interface StepErrors {
  name: string;
  spanType: string;
  errors: number;
  /** Of all the step's spans. */
  count: number;
  /** The most recent failure (by end time): its message, `error.type`, and trace. */
  lastMessage?: string;
  lastErrorType?: string;
  lastTraceId: string;
  lastAtMs: number;
}

/** Usage of one model. */
export interface ModelUsage {
  model: string;
  provider?: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of `gen_ai.usage.cost` over the calls that have one; null when none has. */
  costUsd: number | null;
  /** Calls without a recorded cost (unpriced models, or spans not made by Glassbox). */
  unpricedCalls: number;
}

/** Cost of one step (span name) over its model calls. */
export interface StepCost {
  name: string;
  spanType: string;
  calls: number;
  costUsd: number;
}

/** Cost and tokens of one trace. */
export interface TraceCost {
  traceId: string;
  rootName: string;
  startMs: number;
  /** The root's `glassbox.trace.cost_usd` when present, else the sum of its model calls' costs. */
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

/** One flagged query rewrite. */
export interface FlaggedRewrite {
  traceId: string;
  spanId: string;
  atMs: number;
  /** Present when content capture was on. */
  original?: string;
  rewritten?: string;
  similarity?: number;
  reasons: string[];
}

/** Usage of one tool. */
export interface ToolStats {
  name: string;
  calls: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Offered to a model in some LLM span (or registered): false means the model called a tool nobody declared. */
  declared: boolean;
  lastError?: string;
}

/** Sizes of one prompt version over time (the growing-prompt debt). */
export interface PromptStats {
  name: string;
  /** '' when the prompt has no version. */
  version: string;
  renders: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** Rendered length in characters at the first and last render, and the range; null when never recorded. */
  firstLength: number | null;
  lastLength: number | null;
  minLength: number | null;
  maxLength: number | null;
  /** `lastLength - firstLength`. */
  growth: number | null;
}

/** Decisions of one guardrail. */
export interface GuardrailStats {
  name: string;
  total: number;
  pass: number;
  block: number;
  modify: number;
  /** Any other decision value. */
  other: number;
  lastBlockReason?: string;
}

/** A summary of one feedback (or evaluation) name. */
export interface FeedbackStats {
  name: string;
  /** `feedback` for feedback spans, `evaluation` for `gen_ai.evaluation.result` events. */
  kind: 'feedback' | 'evaluation';
  count: number;
  /** Boolean values. */
  positive: number;
  negative: number;
  /** Over numeric values (scores); null when there are none. */
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Counts of string values (labels), most common first, at most 10. */
  labels: { label: string; count: number }[];
}

/** What `computeStats` returns. */
export interface StatsReport {
  spanCount: number;
  traceCount: number;
  errorCount: number;
  services: string[];
  /** Earliest start and latest end over all spans; null without spans. */
  fromMs: number | null;
  toMs: number | null;
  totals: { modelCalls: number; inputTokens: number; outputTokens: number; costUsd: number | null };
  /** Every step, slowest p95 first. */
  steps: StepStats[];
  /** Steps with failures, most failures first. */
  errors: StepErrors[];
  /** Most tokens first. */
  models: ModelUsage[];
  /** Steps with cost, most expensive first. */
  costByStep: StepCost[];
  /** The `top` most expensive traces. */
  costByTrace: TraceCost[];
  rewrites: { total: number; flaggedCount: number; flagged: FlaggedRewrite[] };
  tools: {
    /** Most called first. */
    called: ToolStats[];
    /** Tools with at least one failed call. */
    failing: string[];
    /** Declared in `gen_ai.tool.definitions` (or registered) but never run. */
    neverCalled: string[];
  };
  /** By name, then by first render. */
  prompts: PromptStats[];
  guardrails: GuardrailStats[];
  feedback: FeedbackStats[];
}
