// The option validator of `init()`, for adapters and exporters to check their own options the same way:
// unknown keys refused with the known ones and a "did you mean", wrong types named with the full path.

import { type ConfigIssue, GlassboxConfigError } from './errors.js';
import {
  checkOptions as checkOptionsImpl,
  type Rule as RuleImpl,
  rules as rulesImpl,
  type Shape as ShapeImpl,
} from './internal/option-check.js';

/** A check of one option value: `expected` says in words what passes, `check` appends the problems. */
export type Rule = RuleImpl;

/** The known keys of an options object and the rule of each; a key whose value is `undefined` is absent. */
export type Shape = ShapeImpl;

/** Checks an options object against a shape, every path prefixed by `where`; returns the problems as `ConfigIssue`s. */
export const checkOptions: typeof checkOptionsImpl = checkOptionsImpl;

/** Rule builders (`object`, `string`, `boolean`, `number`, `integer`, `oneOf`, `func`, `arrayOf`, `recordOf`, `anyOf`, `custom`...). */
export const rules: typeof rulesImpl = rulesImpl;

/** The problems of an options value against a rule (usually `rules.object(...)`), each path prefixed by `where`. */
export function optionIssues(value: unknown, rule: Rule, where: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  rule.check(value, where, issues);
  return issues;
}

/** Throws one `GlassboxConfigError` listing every problem of an options value (`where` names the factory). */
export function assertOptions(value: unknown, rule: Rule, where: string): void {
  const issues = optionIssues(value, rule, where);
  if (issues.length > 0) throw new GlassboxConfigError(issues);
}
