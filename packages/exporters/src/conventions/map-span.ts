import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OtlpConventions } from '../otlp-options.js';
import { langfuseAttributes } from './langfuse.js';
import { mlflowAttributes } from './mlflow.js';
import { openInferenceAttributes } from './openinference.js';
import { spanTypeOf, withParsedJson } from './span-facts.js';

/** The attributes a span is exported with under `conventions`: its own, plus the backend's keys it lacks. */
export function conventionAttributes(span: ReadableSpan, conventions: OtlpConventions): Attributes {
  const own = span.attributes;
  if (conventions === 'glassbox') return own;
  // The trace's root (no parent at all): where MLflow reads trace tags from.
  const isRoot = span.parentSpanContext === undefined;
  // Each backend reads its own keys first, then OpenInference: send both, the backend's own first.
  const type = spanTypeOf(own);
  const added = withParsedJson(() => [
    ...(conventions === 'mlflow' ? [mlflowAttributes(own, type, isRoot)] : []),
    ...(conventions === 'langfuse' ? [langfuseAttributes(own, type, isRoot)] : []),
    openInferenceAttributes(own, type),
  ]);
  const out: Attributes = { ...own };
  for (const keys of added) {
    for (const [key, value] of Object.entries(keys)) {
      // A key the app set itself wins: the mapping only fills in.
      if (value !== undefined && !(key in out)) out[key] = value;
    }
  }
  return out;
}
