import { assertOptions, optionIssues, type Rule, rules } from '@glassbox/core/instrumentation';

export { assertOptions, optionIssues };

// Adapter options are checked by core's validator, as `init()`'s are: unknown keys refused with the
// known ones and a "did you mean", wrong types named with the option's full path (`traceOpenAI.name`).

/** `attributes`: extra span attributes, as `trace()` takes them. */
export const ATTRIBUTES = rules.custom(
  'an object of attribute values',
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
);

/** A duration: a number of milliseconds >= `min` (`Infinity` allowed: never). */
export function milliseconds(min: number): Rule {
  return rules.custom(
    `a number of milliseconds >= ${min}`,
    (v) => typeof v === 'number' && !Number.isNaN(v) && v >= min,
  );
}

/** `abandonAfterMs` of the integrations that keep open calls (see `OpenCalls`). */
export const ABANDON_AFTER_MS = rules.custom(
  'a number of milliseconds > 0 (Infinity: never)',
  (v) => typeof v === 'number' && v > 0,
);

/** The most calls or runs an integration keeps open. */
export const MAX_OPEN = rules.integer(1);
