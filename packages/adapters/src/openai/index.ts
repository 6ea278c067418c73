export type { TraceOpenAIOptions } from './trace-openai.js';
export { traceOpenAI } from './trace-openai.js';
