export { ATTR } from './attributes.js';
export type { AttributeName } from './attributes.js';
export { GlassboxConfigError } from './errors.js';
export type { ConfigIssue } from './errors.js';
export { SpanType, isSpanType } from './span-type.js';
