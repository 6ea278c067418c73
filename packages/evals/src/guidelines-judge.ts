import { assertOptions, rules } from '@glassbox/core/instrumentation';
import { defineJudge, type Judge } from './define-judge.js';
import type { JudgeModel } from './judge-model.js';

/** Options of `guidelinesJudge`. */
export interface GuidelinesJudgeOptions {
  /** Default `guidelines`. */
  name?: string;
  /** Plain-language rules the response must follow, e.g. "no SQL in the answer". */
  guidelines: string[];
  model: JudgeModel;
  id?: string;
  maxTraceChars?: number;
}

const OPTIONS = rules.object(
  {
    name: rules.string({ nonEmpty: true }),
    guidelines: rules.custom(
      'a non-empty array of non-empty strings',
      (v) => Array.isArray(v) && v.length > 0 && v.every((g) => typeof g === 'string' && g.trim() !== ''),
    ),
    model: rules.custom('{ client, model } or a function', (v) => v !== null && v !== undefined),
    id: rules.string({ nonEmpty: true }),
    maxTraceChars: rules.integer(200),
  },
  { required: ['guidelines', 'model'] },
);

/**
 * A pass/fail judge of plain-language guidelines: it passes only when the response follows every one,
 * and a failure's rationale names the guidelines broken. It reads the inputs, the response and the trace.
 */
export function guidelinesJudge(options: GuidelinesJudgeOptions): Judge {
  assertOptions(options, OPTIONS, 'guidelinesJudge');
  // A guideline is text, not a template: braces in it must not read as variables.
  const list = options.guidelines.map(
    (g, i) => `${i + 1}. ${g.trim().replace(/\{\{|\}\}/g, (b) => b.split('').join(' '))}`,
  );
  const instructions = [
    'Check whether the response follows every guideline below. It passes only if it follows all of them.',
    'If it fails, the rationale must name each guideline it breaks by its number and text, and say why.',
    '',
    '<guidelines>',
    ...list,
    '</guidelines>',
    '',
    '<inputs>',
    '{{ inputs }}',
    '</inputs>',
    '',
    '<response>',
    '{{ outputs }}',
    '</response>',
    '',
    'The trace of the run that produced the response (its steps, with the documents retrieved):',
    '<trace>',
    '{{ trace }}',
    '</trace>',
  ].join('\n');
  return defineJudge({
    name: options.name ?? 'guidelines',
    instructions,
    model: options.model,
    valueType: 'pass_fail',
    ...(options.id ? { id: options.id } : {}),
    ...(options.maxTraceChars ? { maxTraceChars: options.maxTraceChars } : {}),
  });
}
