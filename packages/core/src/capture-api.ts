import type { Span } from '@opentelemetry/api';
import type { CaptureSettings } from './capture-settings.js';
import { setJsonAttribute } from './internal/capture-attribute.js';
import { contentOverrideIn } from './internal/capture-override.js';
import { currentRuntime } from './internal/runtime.js';
import { contentOn } from './internal/span-plan.js';
import { handleContentOn, handleRuntime, isSpanHandle, type SpanHandle } from './span-handle.js';

/** The capture rules of a span handle's runtime, or of the current one (content switch, value limit, redactor). */
export function captureSettings(span?: SpanHandle): CaptureSettings {
  return isSpanHandle(span) ? handleRuntime(span).capture : currentRuntime().capture;
}

/**
 * Whether content is captured: on a span handle, its override or its runtime's switch; without one,
 * the active span's `captureContent` override, else the current runtime's switch.
 */
export function contentCaptureEnabled(span?: SpanHandle): boolean {
  if (isSpanHandle(span)) return handleContentOn(span);
  return contentOn(contentOverrideIn(), currentRuntime());
}

/**
 * Sets a bounded, redacted JSON attribute on a span (a handle, or a raw OpenTelemetry span under the
 * current runtime), honouring the capture switch unless `always` is set.
 */
export function setCapturedJson(span: Span | SpanHandle, key: string, value: unknown, always = false): void {
  if (isSpanHandle(span)) {
    if (!always && !handleContentOn(span)) return;
    setJsonAttribute(span.otelSpan, key, value, handleRuntime(span));
    return;
  }
  const runtime = currentRuntime();
  if (!always && !contentOn(contentOverrideIn(), runtime)) return;
  setJsonAttribute(span, key, value, runtime);
}
