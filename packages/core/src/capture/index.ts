export type { RedactOptions, Redactor } from './redact.js';
export {
  createRedactor,
  DEFAULT_REDACT_KEYS,
  DEFAULT_REDACT_PATTERNS,
  REDACT_LOOKAHEAD,
  REDACTED,
  redactString,
} from './redact.js';
export type { SerializeOptions, SerializeResult } from './serialize.js';
export { DEFAULT_MAX_LENGTH, MAX_DEPTH, MIN_MAX_LENGTH, serialize } from './serialize.js';
