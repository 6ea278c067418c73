import type { Attributes, Span, SpanKind } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import { applyMapping, setJsonAttribute } from './capture-attribute.js';
import type { Runtime } from './runtime.js';

/** Everything about a traced function that can be worked out once, at wrap time. */
export interface SpanPlan {
  name: string;
  spanOptions: { kind: SpanKind; attributes: Attributes };
  captureInputs: boolean | Function;
  captureOutputs: boolean | Function;
  /** Per-function override of the global content capture switch. */
  captureContent: boolean | undefined;
  /** Parameter names, `undefined` while not yet read, `null` when not reliably readable. */
  paramNames: string[] | null | undefined;
}

/** Whether content (inputs/outputs) is captured under a call's override. */
export function contentOn(override: boolean | undefined, runtime: Runtime): boolean {
  return override ?? runtime.capture.captureContent;
}

/**
 * Records the outputs of a finished call under the plan's capture rules and the call's override
 * (`content`; `undefined` defers to the runtime's switch). Positional, so a call allocates no state object.
 */
export function captureOutput(
  plan: SpanPlan,
  span: Span,
  runtime: Runtime,
  content: boolean | undefined,
  thisArg: unknown,
  value: unknown,
): void {
  if (plan.captureOutputs === false || !contentOn(content, runtime) || !span.isRecording()) return;
  if (typeof plan.captureOutputs === 'function') {
    const mapped = applyMapping(plan.captureOutputs, thisArg, [value], runtime);
    if (mapped.ok) setJsonAttribute(span, ATTR.OUTPUTS, mapped.value, runtime);
    return;
  }
  if (value === undefined) return;
  setJsonAttribute(span, ATTR.OUTPUTS, value, runtime);
}
