// The judges and scorers of the support assistant (examples/demo), shared by main.ts and scorers.ts.

import Anthropic from '@anthropic-ai/sdk';
import { traceAnthropic } from '@glassbox/adapters/anthropic';
import { traceOpenAI } from '@glassbox/adapters/openai';
import { defineScorer, guidelinesJudge, type JudgeModel, type Scorer } from '@glassbox/evals';
import OpenAI from 'openai';

/** The guidelines every answer of the assistant must follow. */
export const GUIDELINES = ['answers cite a retrieved document', 'no SQL in the answer'];

/**
 * A real judge model from the environment, or undefined: `GLASSBOX_JUDGE_BASE_URL` (any OpenAI-compatible
 * server), then `OPENAI_API_KEY`, then `ANTHROPIC_API_KEY`; `GLASSBOX_JUDGE_MODEL` picks the model.
 */
export function judgeModelFromEnv(env: NodeJS.ProcessEnv): JudgeModel | undefined {
  const model = env.GLASSBOX_JUDGE_MODEL || undefined;
  if (env.GLASSBOX_JUDGE_BASE_URL) {
    const client = new OpenAI({
      apiKey: env.OPENAI_API_KEY || 'not-needed',
      baseURL: env.GLASSBOX_JUDGE_BASE_URL,
    });
    return { client: traceOpenAI(client), model: model ?? 'gpt-4o-mini' };
  }
  if (env.OPENAI_API_KEY) return { client: traceOpenAI(new OpenAI()), model: model ?? 'gpt-4o-mini' };
  if (env.ANTHROPIC_API_KEY)
    return { client: traceAnthropic(new Anthropic()), model: model ?? 'claude-haiku-4-5' };
  return undefined;
}

/** Code: does the answer cite the article the question should have been answered from? */
export const citesExpectedSource = defineScorer({
  name: 'cites_expected_source',
  score: ({ outputs, expectations }) => {
    const expected = expectations?.expected_source;
    if (typeof expected !== 'string') return { value: true, rationale: 'no expected source given' };
    const cited = String(outputs).includes(expected);
    return { value: cited, rationale: cited ? `cites ${expected}` : `does not cite ${expected}` };
  },
});

/** The guidelines judge (with a model) and the code scorer. */
export function assistantScorers(model: JudgeModel | undefined): Scorer[] {
  return model
    ? [guidelinesJudge({ guidelines: GUIDELINES, model }), citesExpectedSource]
    : [citesExpectedSource];
}
