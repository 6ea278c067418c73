import type { Span } from '@opentelemetry/api';
import { setJsonAttribute } from './internal/capture-attribute.js';
import { type CaptureSettings, contentEnabledIn, state } from './internal/state.js';

export type { CaptureSettings };

/** The capture rules in force (content on or off, value length limit, redactor), for adapters and custom spans. */
export function captureSettings(): Readonly<CaptureSettings> {
  return state.capture;
}

/** Whether content is captured right now: the active span's `captureContent` override, else the global switch. */
export function contentCaptureEnabled(): boolean {
  return contentEnabledIn();
}

/** Sets a bounded, redacted JSON attribute on a raw OpenTelemetry span, honouring the capture switch unless `always` is set. */
export function setCapturedJson(span: Span, key: string, value: unknown, always = false): void {
  if (!always && !contentEnabledIn()) return;
  setJsonAttribute(span, key, value);
}
