import { GlassboxConfigError } from '@glassbox/core';
import { assertOptions, optionIssues, type Rule, rules } from '@glassbox/core/instrumentation';

export { assertOptions, optionIssues };

// The exporters' options are checked by core's validator, as `init()`'s are: unknown keys refused with
// the known ones and a "did you mean", wrong types named with the option's full path.

/**
 * Runs a class constructor for its factory function, so that the errors it throws name the options the
 * way the caller wrote them: `jsonFileExporter.path` rather than `JsonFileExporter.path`.
 */
export function createdBy<T>(factory: string, className: string, create: () => T): T {
  try {
    return create();
  } catch (error) {
    if (!GlassboxConfigError.isInstance(error)) throw error;
    const renamed = (option: string) =>
      option === className || option.startsWith(`${className}.`)
        ? factory + option.slice(className.length)
        : option;
    throw new GlassboxConfigError(error.issues.map((i) => ({ ...i, option: renamed(i.option) })));
  }
}

/** The longest delay `setTimeout` honours; a longer one fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** A duration for a timer: a number of milliseconds above `min` (or at least `min` when `inclusive`), at most `MAX_TIMER_MS`. */
export function milliseconds(min: number, inclusive: boolean): Rule {
  return rules.custom(
    `a number of milliseconds ${inclusive ? '>=' : '>'} ${min} (at most ${MAX_TIMER_MS})`,
    (v) => typeof v === 'number' && (inclusive ? v >= min : v > min) && v <= MAX_TIMER_MS,
  );
}
