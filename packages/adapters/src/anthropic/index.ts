export type { TraceAnthropicOptions } from './trace-anthropic.js';
export { traceAnthropic } from './trace-anthropic.js';
