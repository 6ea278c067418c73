export type {
  RewriteFlagDetail,
  RewriteFlagReason,
  RewriteMeasures,
  RewriteThresholds,
} from './measure-rewrite.js';
export { measureRewrite } from './measure-rewrite.js';
export type { RewriteFlag, TraceRewriteOptions } from './trace-rewrite.js';
export { traceRewrite } from './trace-rewrite.js';
