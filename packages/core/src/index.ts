export type { AttributeName } from './attributes.js';
export { ATTR } from './attributes.js';
export type { RedactOptions } from './capture/redact.js';
export type { BatchOptions, InitOptions } from './config.js';
export {
  currentSpan,
  currentTraceId,
  traceHeaders,
  updateCurrentTrace,
  withRemoteParent,
  withTraceContext,
} from './context.js';
export type { BudgetOptions, ModelPrice, PriceTable } from './cost/price-table.js';
export type { ConfigIssue } from './errors.js';
export { GlassboxConfigError } from './errors.js';
export type { Feedback, FeedbackSourceType } from './feedback.js';
export { logFeedback } from './feedback.js';
export type { Glassbox, Stats } from './glassbox.js';
export { createSpanProcessor, init } from './init.js';
export type { LogLevel } from './logger.js';
export { ActiveSpan, SpanHandle } from './span-handle.js';
export { SpanType } from './span-type.js';
export type { TraceDecorator, TraceOptions } from './trace.js';
export { trace } from './trace.js';
export type { TraceAttributes } from './trace-attributes.js';
export type { SpanOptions } from './with-span.js';
export { startSpan, withSpan } from './with-span.js';
