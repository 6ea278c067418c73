// A scorers module whose `traces` export is not a span source, for the usage-error test.
import { defineScorer } from '@glassbox/evals';

export const traces = 42;
export default [defineScorer({ name: 'any', score: () => true })];
