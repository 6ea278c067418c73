export type { GuardrailDecision, GuardrailVerdict, TraceGuardrailOptions } from './trace-guardrail.js';
export { traceGuardrail } from './trace-guardrail.js';
