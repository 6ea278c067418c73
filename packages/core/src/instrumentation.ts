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
export { captureSettings, contentCaptureEnabled, setCapturedJson } from './capture-api.js';
export type { CaptureSettings } from './capture-settings.js';
export { findThen } from './find-then.js';
export type { InstrumentationLogger } from './instrumentation-logger.js';
export { logger } from './instrumentation-logger.js';
export type { LogLevel } from './logger.js';
export type { Rule, Shape } from './option-check.js';
export { assertOptions, checkOptions, optionIssues, rules } from './option-check.js';
export { isSpanType } from './span-type.js';
