// A scorers module for `glassbox eval` tests: code scorers only, so no model is needed.
import { defineScorer } from '@glassbox/evals';

export default [
  defineScorer({
    name: 'cites',
    score: ({ outputs }) => ({ value: /kb-\d+/.test(String(outputs)), rationale: 'needs a kb-N source' }),
  }),
  defineScorer({ name: 'length', score: ({ outputs }) => String(outputs).length }),
];
