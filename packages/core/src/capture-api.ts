import type { Span } from '@opentelemetry/api';
import { setJsonAttribute } from './internal/capture-attribute.js';
import { type CaptureSettings, state } from './internal/state.js';

export type { CaptureSettings };

/** The capture rules in force (content on or off, value length limit, redactor), for adapters and custom spans. */
export function captureSettings(): Readonly<CaptureSettings> {
  return state.capture;
}

/** Sets a bounded, redacted JSON attribute on a raw OpenTelemetry span, honouring the capture switch unless `always` is set. */
export function setCapturedJson(span: Span, key: string, value: unknown, always = false): void {
  if (!always && !state.capture.captureContent) return;
  setJsonAttribute(span, key, value);
}
