export type { StatsOptions } from './compute-stats.js';
export { computeStats } from './compute-stats.js';
export type { FormatStatsOptions } from './format-stats.js';
export { formatStats } from './format-stats.js';
export type {
  FeedbackStats,
  FlaggedRewrite,
  GuardrailStats,
  ModelUsage,
  PromptStats,
  StatsReport,
  StepCost,
  StepErrors,
  StepStats,
  ToolStats,
  TraceCost,
} from './stats-report.js';
