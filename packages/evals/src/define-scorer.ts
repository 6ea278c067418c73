import { assertOptions, rules } from '@glassbox/core/instrumentation';
import type { FeedbackSource } from './records.js';
import {
  markScorer,
  messageOf,
  type ScoreArgs,
  type ScoreResult,
  type Scorer,
  type ScoreValue,
  typeOf,
} from './scorer.js';

/** What a code scorer's function may return (or resolve to). */
export type ScorerReturn = ScoreValue | { value: ScoreValue; rationale?: string };

/** Options of `defineScorer`. */
export interface ScorerOptions {
  /** The score's name (the feedback name). */
  name: string;
  /** Scores one example: a boolean (pass/fail), a number, a label, or `{ value, rationale }`. */
  score: (args: ScoreArgs) => ScorerReturn | Promise<ScorerReturn>;
  /** The scorer's id in `source.id` (default: its name). */
  id?: string;
}

const OPTIONS = rules.object(
  { name: rules.string({ nonEmpty: true }), score: rules.func(), id: rules.string({ nonEmpty: true }) },
  { required: ['name', 'score'] },
);

/** Defines a code scorer: a plain function with the judges' result shape (`source.type: 'code'`). */
export function defineScorer(options: ScorerOptions): Scorer {
  assertOptions(options, OPTIONS, 'defineScorer');
  const { name, score: fn } = options;
  const source: FeedbackSource = { type: 'code', id: options.id ?? name };
  const score = async (args: ScoreArgs): Promise<ScoreResult> => {
    let returned: unknown;
    try {
      returned = await fn(args);
    } catch (error) {
      return { name, error: `the scorer threw: ${messageOf(error)}`, errorType: typeOf(error), source };
    }
    const object =
      typeof returned === 'object' && returned !== null ? (returned as Record<string, unknown>) : undefined;
    const value = object ? object.value : returned;
    const rationale = object?.rationale;
    if (!isScoreValue(value) || (rationale !== undefined && typeof rationale !== 'string')) {
      return {
        name,
        error: 'the scorer returned neither a boolean, a finite number, a string nor { value, rationale? }',
        errorType: 'invalid_score',
        source,
      };
    }
    return rationale === undefined ? { name, value, source } : { name, value, rationale, source };
  };
  return markScorer({ name, source, score });
}

function isScoreValue(v: unknown): v is ScoreValue {
  return typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}
