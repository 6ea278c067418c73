import type { Attributes, Span, TimeInput } from '@opentelemetry/api';
import { ATTR } from './attributes.js';
import { REDACTED } from './capture/redact.js';
import { capturedJson, setJsonAttribute } from './internal/capture-attribute.js';
import { recordSpanError } from './internal/errors.js';
import { currentRuntime, type Runtime } from './internal/runtime.js';
import { cutText, isSecretKey, MAX_NAME_LENGTH, safeAttributeValue, safeName } from './internal/sanitize.js';

/**
 * Brands handles, whichever copy of this module made them (an app may load the ESM and the CJS build):
 * the internal readers below accept any copy's handle, so no `instanceof` or `#private` field is used.
 */
const HANDLE: unique symbol = Symbol.for('glassbox.span-handle.v0') as never;

interface HandleInternals {
  _outputsSet: boolean;
  _content: boolean | undefined;
  _runtime: Runtime | undefined;
}

/** Whether a value is a span handle (from any copy of @glassbox/core). */
export function isSpanHandle(value: unknown): value is SpanHandle {
  return typeof value === 'object' && value !== null && (value as { [HANDLE]?: unknown })[HANDLE] === true;
}

/** A handle for a span that captures under `runtime` (the one its Glassbox processor handed over). */
export function createHandle(span: Span, captureContent: boolean | undefined, runtime: Runtime): SpanHandle {
  const handle = new SpanHandle(span, captureContent);
  (handle as unknown as HandleInternals)._runtime = runtime;
  return handle;
}

/** Reads whether `setOutputs` was called on a handle (for `withSpan`'s automatic output capture). */
export function outputsWereSet(handle: SpanHandle): boolean {
  return (handle as unknown as HandleInternals)._outputsSet === true;
}

/** The runtime a handle's span captures under. */
export function handleRuntime(handle: SpanHandle): Runtime {
  return (handle as unknown as HandleInternals)._runtime ?? currentRuntime();
}

/** Whether content is captured on a handle's span (its override, else its runtime's switch). */
export function handleContentOn(handle: SpanHandle): boolean {
  return (handle as unknown as HandleInternals)._content ?? handleRuntime(handle).capture.captureContent;
}

/**
 * A Glassbox span handle: inputs, outputs, attributes and events under the capture rules (redacted and
 * bounded), safe to call on a span that is not recording (sampled out or no provider). `withSpan` makes
 * its span active; `startSpan` returns a handle whose span is not active.
 */
export class SpanHandle {
  /** The raw OpenTelemetry span. */
  readonly otelSpan: Span;
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read through HandleInternals (any copy's handle).
  private _outputsSet = false;
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read through HandleInternals (any copy's handle).
  private readonly _content: boolean | undefined;
  private _runtime: Runtime | undefined = undefined;
  declare readonly [HANDLE]: true;

  /** Wraps a raw span; `captureContent` overrides the capture switch for what this handle records. */
  constructor(span: Span, captureContent?: boolean) {
    this.otelSpan = span;
    this._content = captureContent;
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
    if (this.contentOn()) setJsonAttribute(this.otelSpan, ATTR.INPUTS, value, this.runtime());
    return this;
  }

  /** Records the step's outputs (skipped when content capture is off). */
  setOutputs(value: unknown): this {
    this._outputsSet = true;
    if (this.contentOn()) setJsonAttribute(this.otelSpan, ATTR.OUTPUTS, value, this.runtime());
    return this;
  }

  /** Sets one attribute; objects are stored as bounded, redacted JSON, `undefined` and `null` are skipped. */
  setAttribute(key: string, value: unknown): this {
    if (!this.otelSpan.isRecording() || value === undefined || value === null) return this;
    const runtime = this.runtime();
    const safeKey = boundedKey(key);
    const v = safeAttributeValue(safeKey, value, runtime);
    if (v !== undefined) this.otelSpan.setAttribute(safeKey, v);
    else setJsonAttribute(this.otelSpan, safeKey, value, runtime);
    return this;
  }

  /** Sets several attributes, as `setAttribute` does. */
  setAttributes(attributes: Record<string, unknown>): this {
    if (attributes === null || typeof attributes !== 'object') return this;
    for (const key of Object.keys(attributes)) this.setAttribute(key, readOwn(attributes, key));
    return this;
  }

  /** Adds a timestamped event; its name and attributes are redacted and bounded like everything else. */
  addEvent(name: string, attributes?: Record<string, unknown>): this {
    if (!this.otelSpan.isRecording()) return this;
    const runtime = this.runtime();
    let attrs: Attributes | undefined;
    if (attributes !== null && typeof attributes === 'object') {
      attrs = {};
      for (const key of Object.keys(attributes)) {
        const value = readOwn(attributes, key);
        if (value === undefined || value === null) continue;
        const safeKey = boundedKey(key);
        const v = safeAttributeValue(safeKey, value, runtime);
        if (v !== undefined) attrs[safeKey] = v;
        else if (isSecretKey(safeKey, runtime.capture.redactor)) attrs[safeKey] = REDACTED;
        else {
          const json = capturedJson(value, runtime);
          if (json !== undefined) attrs[safeKey] = json;
        }
      }
    }
    this.otelSpan.addEvent(safeName(name, runtime), attrs);
    return this;
  }

  /** Marks the span failed: ERROR status, an exception event and `error.type`. */
  recordError(error: unknown): this {
    recordSpanError(this.otelSpan, error, this.runtime());
    return this;
  }

  /** Ends the span (a second call is ignored by OpenTelemetry). */
  end(endTime?: TimeInput): void {
    this.otelSpan.end(endTime);
  }

  private runtime(): Runtime {
    return this._runtime ?? currentRuntime();
  }

  private contentOn(): boolean {
    return this.otelSpan.isRecording() && handleContentOn(this);
  }
}

Object.defineProperty(SpanHandle.prototype, HANDLE, { value: true });

/**
 * The old name of `SpanHandle`, kept working: the handle `startSpan` returns is not made active, so the
 * name misled.
 * @deprecated Use `SpanHandle`.
 */
export const ActiveSpan = SpanHandle;
/** @deprecated Use `SpanHandle`. */
export type ActiveSpan = SpanHandle;

function boundedKey(key: string): string {
  const k = typeof key === 'string' ? key : String(key);
  return k.length > MAX_NAME_LENGTH ? cutText(k, MAX_NAME_LENGTH) : k;
}

// Values are read as the app handed them; a throwing getter skips the attribute instead of throwing.
function readOwn(source: Record<string, unknown>, key: string): unknown {
  try {
    return source[key];
  } catch {
    return undefined;
  }
}
