import type { Attributes, AttributeValue, Span, TimeInput } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { redactString } from './capture/redact.js';
import { setJsonAttribute } from './internal/capture-attribute.js';
import { recordSpanError } from './internal/errors.js';
import { state } from './internal/state.js';

/**
 * A Glassbox span handle: inputs, outputs and attributes under the capture rules, safe to call on a
 * span that is not recording (sampled out or no provider).
 */
export class ActiveSpan {
  /** The raw OpenTelemetry span. */
  readonly otelSpan: Span;
  /** True once `setOutputs` was called, so an automatic capture does not overwrite it. */
  outputsSet = false;
  private readonly captureContent: boolean | undefined;

  constructor(span: Span, captureContent?: boolean) {
    this.otelSpan = span;
    this.captureContent = captureContent;
  }

  /** The trace id, as 32 hex characters. */
  get traceId(): string {
    return this.otelSpan.spanContext().traceId;
  }

  /** The span id, as 16 hex characters. */
  get spanId(): string {
    return this.otelSpan.spanContext().spanId;
  }

  /** Whether this span records anything (false when sampled out or when no provider is registered). */
  isRecording(): boolean {
    return this.otelSpan.isRecording();
  }

  /** Records the step's inputs (skipped when content capture is off). */
  setInputs(value: unknown): this {
    if (this.contentOn()) setJsonAttribute(this.otelSpan, ATTR.INPUTS, value);
    return this;
  }

  /** Records the step's outputs (skipped when content capture is off). */
  setOutputs(value: unknown): this {
    this.outputsSet = true;
    if (this.contentOn()) setJsonAttribute(this.otelSpan, ATTR.OUTPUTS, value);
    return this;
  }

  /** Sets one attribute; objects are stored as bounded, redacted JSON, `undefined` and `null` are skipped. */
  setAttribute(key: string, value: unknown): this {
    if (!this.otelSpan.isRecording()) return this;
    const v = toAttributeValue(value);
    if (v === undefined) {
      if (value !== undefined && value !== null) setJsonAttribute(this.otelSpan, key, value);
      return this;
    }
    this.otelSpan.setAttribute(key, typeof v === 'string' ? boundedString(v) : v);
    return this;
  }

  /** Sets several attributes, as `setAttribute` does. */
  setAttributes(attributes: Record<string, unknown>): this {
    if (attributes === null || typeof attributes !== 'object') return this;
    for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    return this;
  }

  /** Adds a timestamped event to the span. */
  addEvent(name: string, attributes?: Record<string, unknown>): this {
    if (!this.otelSpan.isRecording()) return this;
    let attrs: Attributes | undefined;
    if (attributes) {
      attrs = {};
      for (const key of Object.keys(attributes)) {
        const v = toAttributeValue(attributes[key]);
        if (v !== undefined) attrs[key] = v;
        else if (attributes[key] !== undefined && attributes[key] !== null)
          attrs[key] = safeString(attributes[key]);
      }
    }
    this.otelSpan.addEvent(name, attrs);
    return this;
  }

  /** Marks the span failed: ERROR status, an exception event and `error.type`. */
  recordError(error: unknown): this {
    recordSpanError(this.otelSpan, error);
    return this;
  }

  /** Ends the span (a second call is ignored by OpenTelemetry). */
  end(endTime?: TimeInput): void {
    this.otelSpan.end(endTime);
  }

  private contentOn(): boolean {
    return this.otelSpan.isRecording() && (this.captureContent ?? state.capture.captureContent);
  }
}

function toAttributeValue(value: unknown): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return value;
    case 'bigint':
      return value.toString();
    default:
      break;
  }
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null && v !== undefined);
    const t = typeof first;
    if (
      first === undefined ||
      ((t === 'string' || t === 'number' || t === 'boolean') &&
        value.every((v) => v === null || v === undefined || typeof v === t))
    ) {
      return value as AttributeValue;
    }
  }
  return undefined;
}

// Strings set by hand still go through redaction and the length limit, like captured values.
function boundedString(value: string): string {
  const { redactor, maxValueLength } = state.capture;
  // Redact before cutting, so a secret straddling the cut cannot leak its beginning.
  return redactString(value, redactor, maxValueLength);
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[unserializable]';
  }
}
