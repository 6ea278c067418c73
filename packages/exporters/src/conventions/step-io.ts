import type { Attributes } from '@opentelemetry/api';
import { feedbackOf, guardrailOf, type IoValue, ioValue, isFeedback, toIo } from './span-facts.js';

// The one order every backend convention reads a step's input and output in; each convention only
// adds what its backend shows in its own form (an LLM call's messages, a retriever's documents).

/** A step's input and output, each absent when the span recorded none. */
export interface StepIo {
  input?: IoValue;
  output?: IoValue;
}

/**
 * A step's input and output: a feedback span's judgement, else `own` (the backend's form for this
 * span, asked for only on other spans), else `glassbox.inputs`/`glassbox.outputs`, else a guardrail's
 * decision as its output.
 */
export function stepIoOf(attributes: Attributes, type: string | undefined, own?: () => StepIo): StepIo {
  if (isFeedback(attributes)) return feedbackOf(attributes);
  const io = own?.() ?? {};
  const input = io.input ?? ioValue(attributes['glassbox.inputs']);
  let output = io.output ?? ioValue(attributes['glassbox.outputs']);
  if (!output && type === 'GUARDRAIL') {
    const decision = guardrailOf(attributes);
    if (decision) output = toIo(decision);
  }
  return { ...(input ? { input } : {}), ...(output ? { output } : {}) };
}
