import {
  type Context,
  context,
  createContextKey,
  ProxyTracerProvider,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { createRedactor, type Redactor } from '../capture/redact.js';

/** The capture rules in force: whether content leaves the process, how long a value may be, what is redacted. */
export interface CaptureSettings {
  captureContent: boolean;
  maxValueLength: number;
  redactor: Redactor | undefined;
}

/** Counters behind `Glassbox.stats()`. */
export interface Stats {
  spansStarted: number;
  spansEnded: number;
  spansExported: number;
  spansDropped: number;
  exportErrors: number;
}

export const TRACER_NAME = '@glassbox/core';
export const TRACER_VERSION = '0.1.0';

/**
 * Process-wide mutable state; kept in one object so the hot path reads one module binding. It lives on
 * `globalThis`, so an app that loads both the ESM and the CJS build (or two copies) shares one
 * configuration: `init({ captureContent: false })` must reach every copy.
 */
export const state: GlassboxState = ((globalThis as any)[Symbol.for('glassbox.core.state')] ??= {
  capture: {
    captureContent: envCaptureDefault(),
    maxValueLength: 16384,
    redactor: createRedactor(),
  } as CaptureSettings,
  /** False when tracing is turned off (`enabled: false`): traced functions are plain calls. */
  enabled: true,
  /** True while a Glassbox span processor is attached (it applies trace context attributes in onStart). */
  processorActive: false,
  tracer: undefined as Tracer | undefined,
  providerSeen: false,
  dropNewTraces: false,
  stats: { spansStarted: 0, spansEnded: 0, spansExported: 0, spansDropped: 0, exportErrors: 0 } as Stats,
});

interface GlassboxState {
  capture: CaptureSettings;
  enabled: boolean;
  processorActive: boolean;
  tracer: Tracer | undefined;
  /** True once a tracer provider was seen registered; from then on every traced call starts a span. */
  providerSeen: boolean;
  /** Standalone at sampleRatio 0: a call with no parent span would only make a root that is dropped. */
  dropNewTraces: boolean;
  stats: Stats;
}

/** Context key of a per-span `captureContent` override; spans started inside inherit it. */
export const CAPTURE_CONTENT_KEY = createContextKey('glassbox.capture-content');

/** Whether content is captured in a context: its span's override if any, else the global switch. */
export function contentEnabledIn(ctx: Context = context.active()): boolean {
  const override = ctx.getValue(CAPTURE_CONTENT_KEY);
  return typeof override === 'boolean' ? override : state.capture.captureContent;
}

/** The `captureContent` override in force in a context (a span's option, inherited), if any. */
export function contentOverrideIn(ctx: Context): boolean | undefined {
  const override = ctx.getValue(CAPTURE_CONTENT_KEY);
  return typeof override === 'boolean' ? override : undefined;
}

/** The tracer our spans go through: the global one, so an app's own provider is used when it has one. */
export function getTracer(): Tracer {
  let tracer = state.tracer;
  if (tracer === undefined) {
    tracer = trace.getTracer(TRACER_NAME, TRACER_VERSION);
    state.tracer = tracer;
  }
  return tracer;
}

const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether any tracer provider is registered. Without one every span is a no-op, so a traced call can be
 * a plain call; cached once true (the API caches its delegate tracers the same way).
 */
export function providerRegistered(): boolean {
  if (state.providerSeen) return true;
  const global = trace.getTracerProvider();
  const delegate = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (delegate === NOOP_PROVIDER) return false;
  state.providerSeen = true;
  return true;
}

/** Forgets the cached tracer, after the global provider was replaced. */
export function resetTracer(): void {
  state.tracer = undefined;
  state.providerSeen = false;
}

// Before `init` runs, content capture still honours the standard env switch, so an app that only uses
// its own OpenTelemetry setup (no `init`) keeps its privacy choice.
function envCaptureDefault(): boolean {
  const env = typeof process !== 'undefined' ? process.env : {};
  for (const name of ['GLASSBOX_CAPTURE_CONTENT', 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT']) {
    const v = env[name]?.trim().toLowerCase();
    if (v === 'false' || v === '0' || v === 'no' || v === 'off') return false;
    if (v === 'true' || v === '1' || v === 'yes' || v === 'on') return true;
  }
  return true;
}
