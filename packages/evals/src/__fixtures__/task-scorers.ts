// A scorers module with a task, for `glassbox eval` tests: the task traces a lookup (or fails on "boom"),
// and a code scorer checks that the trace it is given shows that lookup.
import { SpanType, withSpan } from '@glassbox/core';
import { defineScorer, renderTrace } from '@glassbox/evals';

export const task = async (question: string) => {
  if (question === 'boom') throw new Error('the pipeline broke');
  await withSpan({ name: 'lookup kb', type: SpanType.RETRIEVER }, () => undefined);
  return `answer to ${question} (kb-1)`;
};

export default [
  defineScorer({
    name: 'saw_lookup',
    score: ({ trace }) => {
      const text = typeof trace === 'string' ? trace : trace ? renderTrace(trace) : '(no trace recorded)';
      return { value: text.includes('lookup kb'), rationale: text.split('\n')[0] ?? '' };
    },
  }),
];
