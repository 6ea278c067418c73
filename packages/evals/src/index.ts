export type { EvalCliIo } from './cli.js';
export { runEvalCli } from './cli.js';
export type { EvalExample, ExampleInput } from './dataset.js';
export { EvalDataError, loadExamples } from './dataset.js';
export type { Judge, JudgeOptions } from './define-judge.js';
export { defineJudge } from './define-judge.js';
export type { ScorerOptions, ScorerReturn } from './define-scorer.js';
export { defineScorer } from './define-scorer.js';
export type { EvaluateOptions, TaskContext, TraceSource } from './evaluate.js';
export { evaluate } from './evaluate.js';
export type { GuidelinesJudgeOptions } from './guidelines-judge.js';
export { guidelinesJudge } from './guidelines-judge.js';
export type { AnthropicClientLike, JudgeMessage, JudgeModel, OpenAIClientLike } from './judge-model.js';
export type { DatasetExample, FeedbackRecord, FeedbackSource } from './records.js';
export type {
  ScoreArgs,
  ScoreFailure,
  ScoreResult,
  Scorer,
  ScoreSuccess,
  ScoreValue,
  ValueType,
} from './scorer.js';
export { isScoreFailure, isScorer } from './scorer.js';
export type { SpanCollectorOptions } from './span-collector.js';
export { SpanCollector, spanCollector } from './span-collector.js';
export type {
  EvalSummary,
  ExampleResult,
  ExampleScore,
  Regression,
  ScoreChange,
  ScorerSummary,
} from './summary.js';
export { findChanges, findRegressions, formatSummary } from './summary.js';
export type { PlainSpan, RenderTraceOptions, TraceSpanLike } from './trace-text.js';
export { renderTrace } from './trace-text.js';
