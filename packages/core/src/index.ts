export { ActiveSpan } from './active-span.js';
export type { AttributeName } from './attributes.js';
export { ATTR } from './attributes.js';
export type { RedactOptions, Redactor } from './capture/redact.js';
export {
  createRedactor,
  DEFAULT_REDACT_KEYS,
  DEFAULT_REDACT_PATTERNS,
  REDACTED,
  redactString,
} from './capture/redact.js';
export type { SerializeOptions, SerializeResult } from './capture/serialize.js';
export { serialize } from './capture/serialize.js';
export type { CaptureSettings } from './capture-api.js';
export { captureSettings, contentCaptureEnabled, setCapturedJson } from './capture-api.js';
export type { BatchOptions, InitOptions, ResolvedConfig } from './config.js';
export { ENV_VARS, resolveConfig } from './config.js';
export type { TraceAttributes } from './context.js';
export {
  currentSpan,
  currentTraceId,
  traceHeaders,
  updateCurrentTrace,
  withRemoteParent,
  withTraceContext,
} from './context.js';
export type { ConfigIssue } from './errors.js';
export { GlassboxConfigError } from './errors.js';
export type { Feedback } from './feedback.js';
export { logFeedback } from './feedback.js';
export type { Glassbox } from './init.js';
export { createSpanProcessor, init } from './init.js';
export type { LogLevel } from './internal/logger.js';
export type { Stats } from './internal/state.js';
export { isSpanType, SpanType } from './span-type.js';
export type { TraceDecorator, TraceOptions } from './trace.js';
export { trace } from './trace.js';
export type { SpanOptions } from './with-span.js';
export { startSpan, withSpan } from './with-span.js';
