import { ATTR, SpanType, withSpan } from '@glassbox/core';
import { assertOptions, rules } from '@glassbox/core/instrumentation';
import { type JudgeMessage, type JudgeModel, modelCall } from './judge-model.js';
import type { FeedbackSource } from './records.js';
import {
  isScoreFailure,
  markScorer,
  messageOf,
  type ScoreArgs,
  type ScoreResult,
  type Scorer,
  typeOf,
  type ValueType,
} from './scorer.js';
import { renderTemplate, type TemplateVariable, templateVariables, valueText } from './template.js';
import { renderTrace } from './trace-text.js';
import { answerSchema, checkValueType, describeValue, issuesText } from './value-type.js';

/** Options of `defineJudge`. */
export interface JudgeOptions {
  /** The score's name (the feedback name), e.g. `correctness`. */
  name: string;
  /** What to judge, over `{{ inputs }}`, `{{ outputs }}`, `{{ expectations }}` and `{{ trace }}`. */
  instructions: string;
  model: JudgeModel;
  /** Default `'pass_fail'`. */
  valueType?: ValueType;
  /** The judge's id in `source.id` (default: its name). */
  id?: string;
  /** Characters of the `{{ trace }}` text (default 8000). */
  maxTraceChars?: number;
  /** Characters of each other variable's text (default 4000). */
  maxValueChars?: number;
}

/** An LLM judge: a scorer whose verdict comes from a model reading the filled-in instructions. */
export interface Judge extends Scorer {
  readonly valueType: ValueType;
  readonly instructions: string;
  /** The template variables the instructions use. */
  readonly variables: readonly TemplateVariable[];
}

const OPTIONS = rules.object(
  {
    name: rules.string({ nonEmpty: true }),
    instructions: rules.string({ nonEmpty: true }),
    model: rules.custom(
      '{ client, model } or a function (prompt) => Promise<string>',
      (v) => typeof v === 'function' || (typeof v === 'object' && v !== null),
    ),
    valueType: rules.custom("'pass_fail', { type: 'number', ... } or { type: 'labels', ... }", () => true),
    id: rules.string({ nonEmpty: true }),
    maxTraceChars: rules.integer(200),
    maxValueChars: rules.integer(100),
  },
  { required: ['name', 'instructions', 'model'] },
);

const SYSTEM =
  'You are an impartial evaluator of an AI application. Judge only by the criteria you are given and ' +
  'answer with a single JSON object, no other text.';

/**
 * Defines an LLM judge from guideline instructions; unknown template variables are an error here, at
 * definition time. Its `score` asks the model for `{ value, rationale }`, validates the answer with zod,
 * retries once on a malformed one, and records the call as an EVALUATOR span.
 */
export function defineJudge(options: JudgeOptions): Judge {
  assertOptions(options, OPTIONS, 'defineJudge');
  const variables = templateVariables(options.instructions, 'defineJudge.instructions');
  const valueType = checkValueType(options.valueType ?? 'pass_fail', 'defineJudge.valueType');
  const call = modelCall(options.model, 'defineJudge.model');
  const schema = answerSchema(valueType);
  const name = options.name;
  const source: FeedbackSource = { type: 'llm_judge', id: options.id ?? name };
  const maxTrace = options.maxTraceChars ?? 8000;
  const maxValue = options.maxValueChars ?? 4000;
  const answerFormat =
    `Answer with only a JSON object: {"value": <${describeValue(valueType)}>, ` +
    '"rationale": "<one or two sentences: why, citing what in the response decided it>"}.';

  const prompt = (args: ScoreArgs): string => {
    const trace =
      typeof args.trace === 'string'
        ? valueText(args.trace, maxTrace)
        : args.trace
          ? renderTrace(args.trace, { maxChars: maxTrace })
          : '(no trace recorded)';
    const text = renderTemplate(options.instructions, {
      inputs: valueText(args.inputs, maxValue),
      outputs: valueText(args.outputs, maxValue),
      expectations: valueText(args.expectations, maxValue),
      trace,
    });
    return `${text}\n\n${answerFormat}`;
  };

  const score = (args: ScoreArgs): Promise<ScoreResult> =>
    withSpan(
      {
        name: `judge ${name}`,
        type: SpanType.EVALUATOR,
        // The model name stays on the LLM span inside: this span is the judgement, not an inference.
        attributes: { [ATTR.GEN_AI_EVALUATION_NAME]: name },
        captureOutputs: false,
      },
      async (span): Promise<ScoreResult> => {
        const text = prompt(args ?? { inputs: undefined, outputs: undefined });
        span.setInputs({ prompt: text });
        const result = await ask(text, args?.signal);
        if (isScoreFailure(result))
          span.recordError(Object.assign(new Error(result.error), { code: result.errorType ?? '_OTHER' }));
        else span.setOutputs({ value: result.value, rationale: result.rationale });
        return result;
      },
    );

  const ask = async (text: string, signal: AbortSignal | undefined): Promise<ScoreResult> => {
    const messages: JudgeMessage[] = [{ role: 'user', content: text }];
    let problem = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      let answer: string;
      try {
        answer = await call(SYSTEM, messages, signal);
      } catch (error) {
        return {
          name,
          error: `the judge model call failed: ${messageOf(error)}`,
          errorType: typeOf(error),
          source,
        };
      }
      const parsed = parseAnswer(answer);
      if (parsed.ok) {
        const checked = schema.safeParse(parsed.value);
        if (checked.success)
          return { name, value: checked.data.value, rationale: checked.data.rationale, source };
        problem = `the JSON did not match: ${issuesText(checked.error)}`;
      } else problem = parsed.problem;
      // A model that ignored the abort and answered late: a retry would be a second paid call past the deadline.
      if (signal?.aborted) return { name, error: abortText(signal), errorType: 'timeout', source };
      // The retry says what was wrong, so the model can fix exactly that.
      messages.push(
        { role: 'assistant', content: answer },
        {
          role: 'user',
          content: `Your answer could not be used: ${problem}. ${answerFormat}`,
        },
      );
    }
    return {
      name,
      error: `the judge answered malformed twice: ${problem}`,
      errorType: 'malformed_answer',
      source,
    };
  };

  return markScorer({
    name,
    source,
    valueType,
    instructions: options.instructions,
    variables: [...variables],
    score,
  });
}

/** Why a judge stopped on an aborted signal: the reason's message (`timed out after ...` from evaluate). */
function abortText(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  const message = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : '';
  return message && !/aborted/i.test(message) ? message : 'the judge was aborted (its deadline passed)';
}

/** Reads a model's JSON answer: the whole text, inside a ```json fence, or the outermost `{...}`. */
export function parseAnswer(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const trimmed = text.trim();
  const fenced = trimmed.match(/^```(?:json)?\s*([\s\S]*?)\s*```$/)?.[1];
  const candidates = [fenced ?? trimmed];
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  if (start !== -1 && end > start) candidates.push(trimmed.slice(start, end + 1));
  for (const candidate of candidates) {
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { ok: true, value };
      return { ok: false, problem: 'the answer was JSON but not an object' };
    } catch {
      // try the next candidate
    }
  }
  const preview = trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed;
  return { ok: false, problem: `it was not JSON (it began ${JSON.stringify(preview)})` };
}
