import type { FeedbackSource } from './records.js';
import type { TraceSpanLike } from './trace-text.js';

/** A score: pass/fail as a boolean, a number, or a label. */
export type ScoreValue = boolean | number | string;

/** What a judge or scorer is given for one example. */
export interface ScoreArgs {
  inputs: unknown;
  outputs: unknown;
  expectations?: Record<string, unknown>;
  /** The example's spans (OpenTelemetry `ReadableSpan`s, spans read back by `readTraceFile`), or text. */
  trace?: readonly TraceSpanLike[] | string;
  /** Aborted when the example's time is up. */
  signal?: AbortSignal;
}

/** A judgement made. */
export interface ScoreSuccess {
  name: string;
  value: ScoreValue;
  rationale?: string;
  source: FeedbackSource;
}

/** A judgement that could not be made (the model failed, the answer was malformed, the scorer threw). */
export interface ScoreFailure {
  name: string;
  error: string;
  /** A low-cardinality name for what went wrong (the error's class, `timeout`, `malformed_answer`). */
  errorType?: string;
  source: FeedbackSource;
}

/** The result of one judge or scorer on one example; never thrown, always returned. */
export type ScoreResult = ScoreSuccess | ScoreFailure;

/** How a judge's answer is valued: pass/fail, a number in a range, or one of a few labels. */
export type ValueType =
  | 'pass_fail'
  | { type: 'number'; min: number; max: number }
  | { type: 'labels'; labels: readonly string[] };

/** A judge (`defineJudge`) or a code scorer (`defineScorer`): what `evaluate` runs on each example. */
export interface Scorer {
  readonly name: string;
  readonly source: FeedbackSource;
  /** Known for judges; inferred from the values for code scorers. */
  readonly valueType?: ValueType;
  /** Scores one example; errors come back as a `ScoreFailure`, never as a rejection. */
  score(args: ScoreArgs): Promise<ScoreResult>;
}

/** Whether a result is a failure to judge. */
export function isScoreFailure(result: ScoreResult): result is ScoreFailure {
  return 'error' in result;
}

/** An error's message, never throwing. */
export function messageOf(error: unknown): string {
  try {
    if (error instanceof Error) return error.message;
    return String(error);
  } catch {
    return '[unreadable error]';
  }
}

/** A low-cardinality name for an error (its class name). */
export function typeOf(error: unknown): string {
  try {
    if (error instanceof Error) return error.name === 'Error' ? error.constructor.name : error.name;
  } catch {
    // fall through
  }
  return '_OTHER';
}

const SCORER_MARK = Symbol.for('glassbox.evals.scorer');

/** Brands a scorer so `evaluate` and the CLI can tell one from any other object. */
export function markScorer<T extends Scorer>(scorer: T): T {
  Object.defineProperty(scorer, SCORER_MARK, { value: true });
  return scorer;
}

/** Whether a value is a judge or scorer made by `defineJudge`/`defineScorer` (any copy of this package). */
export function isScorer(value: unknown): value is Scorer {
  return (
    typeof value === 'object' &&
    value !== null &&
    ((value as Record<symbol, unknown>)[SCORER_MARK] === true ||
      (typeof (value as Scorer).name === 'string' && typeof (value as Scorer).score === 'function'))
  );
}
