import { GlassboxConfigError } from '@glassbox/core';
import { z } from 'zod';
import type { ScoreValue, ValueType } from './scorer.js';

/** Checks a `valueType` option; throws `GlassboxConfigError` naming it. */
export function checkValueType(valueType: unknown, option: string): ValueType {
  const fail = (message: string): never => {
    throw new GlassboxConfigError({ option, message });
  };
  const expected = "expected 'pass_fail', { type: 'number', min, max } or { type: 'labels', labels: [...] }";
  if (valueType === 'pass_fail') return valueType;
  if (typeof valueType !== 'object' || valueType === null) return fail(expected);
  const v = valueType as Record<string, unknown>;
  if (v.type === 'number') {
    if (!Number.isFinite(v.min) || !Number.isFinite(v.max) || !((v.min as number) < (v.max as number)))
      fail('a number value type needs finite `min` < `max`, e.g. { type: "number", min: 1, max: 5 }');
    return { type: 'number', min: v.min as number, max: v.max as number };
  }
  if (v.type === 'labels') {
    const labels = v.labels;
    if (
      !Array.isArray(labels) ||
      labels.length < 2 ||
      labels.some((l) => typeof l !== 'string' || l === '') ||
      new Set(labels).size !== labels.length
    )
      fail('a labels value type needs at least two distinct non-empty strings in `labels`');
    return { type: 'labels', labels: [...(labels as string[])] };
  }
  return fail(expected);
}

/** How the judge is told to fill `value`. */
export function describeValue(valueType: ValueType): string {
  if (valueType === 'pass_fail') return '"pass" if the response meets the criteria, otherwise "fail"';
  if (valueType.type === 'number') return `a number from ${valueType.min} (worst) to ${valueType.max} (best)`;
  return `exactly one of ${valueType.labels.map((l) => JSON.stringify(l)).join(', ')}`;
}

const PASS = new Set(['pass', 'yes', 'true']);
const FAIL = new Set(['fail', 'no', 'false']);

/** The zod schema of a judge's answer `{ value, rationale }` for a value type. */
export function answerSchema(valueType: ValueType): z.ZodType<{ value: ScoreValue; rationale: string }> {
  let value: z.ZodType<ScoreValue>;
  if (valueType === 'pass_fail') {
    value = z.union([z.boolean(), z.string()]).transform((v, ctx) => {
      if (typeof v === 'boolean') return v;
      const s = v.trim().toLowerCase();
      if (PASS.has(s)) return true;
      if (FAIL.has(s)) return false;
      ctx.addIssue({ code: 'custom', message: `expected "pass" or "fail", got ${JSON.stringify(v)}` });
      return z.NEVER;
    }) as unknown as z.ZodType<ScoreValue>;
  } else if (valueType.type === 'number') {
    value = z.number().min(valueType.min).max(valueType.max);
  } else {
    value = z.enum(valueType.labels as [string, ...string[]]);
  }
  return z.object({ value, rationale: z.string() }) as unknown as z.ZodType<{
    value: ScoreValue;
    rationale: string;
  }>;
}

/** Zod issues as one line a model (and a person) can act on: `value: expected a number <= 5`. */
export function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}
