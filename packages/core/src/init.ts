import { context, ProxyTracerProvider, propagation, type TracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { createRedactor } from './capture/redact.js';
import { type InitOptions, type ResolvedConfig, resolveConfig } from './config.js';
import { GlassboxSpanProcessor } from './internal/glassbox-processor.js';
import { PooledIdGenerator } from './internal/id-generator.js';
import { logger } from './internal/logger.js';
import { resetTracer, type Stats, state } from './internal/state.js';

/** The handle `init` returns. */
export interface Glassbox {
  /** `standalone`: Glassbox registered its own provider; `attached`: the app's provider is used. */
  readonly mode: 'standalone' | 'attached';
  /** Exports every finished span now and waits until the exporters answered (call at the end of a serverless handler). */
  flush(): Promise<void>;
  /** Flushes, then stops exporting; safe to call twice. */
  shutdown(): Promise<void>;
  /** Counters of spans started, ended, exported and dropped, and of failed exports. */
  stats(): Stats;
}

interface Installation {
  processor: GlassboxSpanProcessor;
  provider: BasicTracerProvider | undefined;
  shutdownPromise: Promise<void> | undefined;
}

let current: Installation | undefined;
let contextRegistered = false;
let exitHookInstalled = false;
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** Applies the process-wide capture, logging and on/off settings of a resolved configuration. */
export function applyGlobalSettings(config: ResolvedConfig): void {
  logger.setLevel(config.logLevel);
  state.capture = {
    captureContent: config.captureContent,
    maxValueLength: config.maxValueLength,
    redactor: createRedactor(config.redact),
  };
  state.enabled = config.enabled;
}

/**
 * Sets Glassbox up: validates options (argument > env var > default), then registers a tracer provider
 * with our processing, or, when the app already registered one, uses it and leaves it in place.
 */
export function init(options?: InitOptions): Glassbox {
  const config = resolveConfig(options);
  retire(current);
  current = undefined;
  applyGlobalSettings(config);
  state.dropNewTraces = false;
  resetStats();
  const processor = new GlassboxSpanProcessor(config);
  const installation: Installation = { processor, provider: undefined, shutdownPromise: undefined };

  const existing = registeredProvider();
  if (existing !== undefined) {
    // Bring-your-own-OpenTelemetry: never replace the app's provider. Providers of the 1.x SDK can still
    // take a processor; 2.x ones are configured up front, so the app adds createSpanProcessor() itself.
    const legacy = existing as TracerProvider & { addSpanProcessor?: (p: unknown) => void };
    if (
      typeof legacy.addSpanProcessor === 'function' &&
      (config.exporters.length > 0 || config.spanProcessors.length > 0)
    ) {
      legacy.addSpanProcessor(processor);
    } else if (config.exporters.length > 0 || config.spanProcessors.length > 0) {
      logger.log(
        'warn',
        'an OpenTelemetry tracer provider is already registered (NodeSDK, Sentry, ...), so Glassbox uses it and ' +
          'does not attach `exporters`/`spanProcessors` itself: add `createSpanProcessor(options)` to your SDK setup.',
      );
    }
  } else {
    if (config.exporters.length === 0 && config.spanProcessors.length === 0) {
      logger.once(
        'warn',
        'init() was called without `exporters` or `spanProcessors`: spans are recorded but sent nowhere. ' +
          'Add for example `exporters: [otlpExporter()]` from @glassbox/exporters.',
        'no-exporters',
      );
    }
    const sampler = new ParentBasedSampler({ root: rootSampler(config.sampleRatio) });
    const resource = defaultResource().merge(
      resourceFromAttributes({
        ...config.resourceAttributes,
        ...(config.serviceName ? { 'service.name': config.serviceName } : {}),
      }),
    );
    const provider = new BasicTracerProvider({
      resource,
      sampler,
      spanProcessors: [processor],
      idGenerator: new PooledIdGenerator(),
    });
    registerContextAndPropagation();
    trace.setGlobalTracerProvider(provider);
    installation.provider = provider;
    state.dropNewTraces = config.sampleRatio === 0;
  }
  resetTracer();
  current = installation;
  installExitHook();
  return makeHandle(installation, installation.provider ? 'standalone' : 'attached');
}

/** Our span processing (trace attributes, bounded export queues, stats) for an app's own OpenTelemetry SDK. */
export function createSpanProcessor(options?: InitOptions): GlassboxSpanProcessor {
  const config = resolveConfig(options);
  applyGlobalSettings(config);
  return new GlassboxSpanProcessor(config);
}

function makeHandle(installation: Installation, mode: 'standalone' | 'attached'): Glassbox {
  return {
    mode,
    flush: () => flushInstallation(installation),
    shutdown: () => shutdownInstallation(installation),
    stats: () => ({ ...state.stats }),
  };
}

async function flushInstallation(installation: Installation): Promise<void> {
  try {
    if (installation.provider) await installation.provider.forceFlush();
    else {
      await installation.processor.forceFlush();
      // Attached mode: flush the app's provider too, so its processors (maybe ours) export now.
      const delegate = registeredProvider() as { forceFlush?: () => Promise<void> } | undefined;
      if (typeof delegate?.forceFlush === 'function') await delegate.forceFlush();
    }
  } catch (error) {
    logger.once('warn', `flush failed: ${String(error)}`, 'flush');
  }
}

function shutdownInstallation(installation: Installation): Promise<void> {
  if (!installation.shutdownPromise) {
    installation.shutdownPromise = (async () => {
      await flushInstallation(installation);
      if (current === installation) current = undefined;
      if (installation.provider) {
        if (registeredProvider() === installation.provider) trace.disable();
        resetTracer();
        state.processorActive = false;
        try {
          await installation.provider.shutdown();
        } catch (error) {
          logger.once('warn', `shutdown failed: ${String(error)}`, 'shutdown');
        }
      } else {
        await installation.processor.shutdown();
      }
    })();
  }
  return installation.shutdownPromise;
}

// Re-init replaces our configuration: the old provider is unregistered at once (no duplicate exports)
// and shut down in the background after exporting what it still holds (no leaked timers).
function retire(installation: Installation | undefined): void {
  if (installation === undefined) return;
  if (installation.provider && registeredProvider() === installation.provider) {
    trace.disable();
    resetTracer();
  }
  void shutdownInstallation(installation);
}

function registeredProvider(): TracerProvider | undefined {
  const global = trace.getTracerProvider();
  const delegate = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  return delegate === NOOP_PROVIDER ? undefined : delegate;
}

function registerContextAndPropagation(): void {
  if (contextRegistered) return;
  contextRegistered = true;
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  if (!context.setGlobalContextManager(manager)) manager.disable();
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
}

// Batch timers are unref'd so they never hold a process open; when the event loop drains, export what
// is still queued so a short script does not lose its last spans.
function installExitHook(): void {
  if (exitHookInstalled || typeof process === 'undefined' || typeof process.once !== 'function') return;
  exitHookInstalled = true;
  process.on('beforeExit', () => {
    const installation = current;
    // Flushing schedules work, so 'beforeExit' fires again afterwards; by then nothing is pending.
    if (installation && installation.processor.pending > 0 && !installation.shutdownPromise) {
      void flushInstallation(installation);
    }
  });
}

function resetStats(): void {
  const s = state.stats;
  s.spansStarted = 0;
  s.spansEnded = 0;
  s.spansExported = 0;
  s.spansDropped = 0;
  s.exportErrors = 0;
}

// TraceIdRatioBasedSampler validates and hashes the trace id of every root span; at 1 and 0 the answer
// is known without looking (and both samplers describe themselves the same way to the SDK).
function rootSampler(ratio: number): Sampler {
  if (ratio >= 1) return new AlwaysOnSampler();
  if (ratio <= 0) return new AlwaysOffSampler();
  return new TraceIdRatioBasedSampler(ratio);
}
