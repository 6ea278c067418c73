import { context, propagation, type TracerProvider, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  ParentBasedSampler,
  type Sampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { type InitOptions, type ResolvedConfig, resolveConfig } from './config.js';
import type { Glassbox } from './glassbox.js';
import { installExitHooks } from './internal/exit-hooks.js';
import { GlassboxSpanProcessor } from './internal/glassbox-processor.js';
import { slot } from './internal/global-slot.js';
import { PooledIdGenerator } from './internal/id-generator.js';
import { Installation } from './internal/installation.js';
import { createRuntime, type Runtime } from './internal/runtime.js';
import { registeredProvider, resetTracer } from './internal/tracer.js';

let contextRegistered = false;

/**
 * Sets Glassbox up: validates options (argument > env var > default), then registers a tracer provider
 * with our processing, or, when the app already registered one, uses it and leaves it in place.
 */
export function init(options?: InitOptions): Glassbox {
  const config = resolveConfig(options);
  const previous = slot.installation as Installation | undefined;
  // The previous installation's provider is ours, not the app's: unregister it before looking.
  if (previous?.provider !== undefined && registeredProvider() === previous.provider) {
    trace.disable();
    resetTracer();
  }
  const runtime = buildRuntime(config);
  const processor = new GlassboxSpanProcessor(processorConfig(config), runtime);
  const outputs = config.exporters.length + config.spanProcessors.length;
  let provider: BasicTracerProvider | undefined;
  let attached = true;

  const existing = registeredProvider();
  if (existing !== undefined) {
    // Bring-your-own-OpenTelemetry: never replace the app's provider. Providers of the 1.x SDK can still
    // take a processor; 2.x ones are configured up front, so the app adds createSpanProcessor() itself.
    const legacy = existing as TracerProvider & { addSpanProcessor?: (p: unknown) => void };
    if (typeof legacy.addSpanProcessor === 'function' && outputs > 0) {
      legacy.addSpanProcessor(processor);
    } else {
      attached = false;
      if (outputs > 0) {
        runtime.logger.log(
          'warn',
          'an OpenTelemetry tracer provider is already registered (NodeSDK, Sentry, ...), so Glassbox uses it and ' +
            'does not attach `exporters`/`spanProcessors` itself: add `createSpanProcessor(options)` to your SDK setup.',
        );
      }
    }
  } else {
    if (outputs === 0) {
      runtime.logger.once(
        'warn',
        'init() was called without `exporters` or `spanProcessors`: spans are recorded but sent nowhere. ' +
          'Add for example `exporters: [otlpExporter()]` from @glassbox/exporters.',
        'no-exporters',
      );
    }
    provider = new BasicTracerProvider({
      resource: defaultResource().merge(
        resourceFromAttributes({
          ...config.resourceAttributes,
          ...(config.serviceName ? { 'service.name': config.serviceName } : {}),
        }),
      ),
      sampler: new ParentBasedSampler({ root: rootSampler(config.sampleRatio) }),
      spanProcessors: [processor],
      idGenerator: new PooledIdGenerator(),
    });
    registerContextAndPropagation();
    trace.setGlobalTracerProvider(provider);
    runtime.dropNewTraces = config.sampleRatio === 0;
  }
  resetTracer();
  const installation = new Installation(runtime, processor, provider);
  previous?.retire(installation, attached);
  slot.current = runtime;
  slot.installation = installation;
  installExitHooks();
  return installation.handle();
}

/**
 * Our span processing (trace attributes, redaction, bounded export queues, stats) for an app's own
 * OpenTelemetry SDK. It has a runtime of its own: it changes no process-wide setting, and the spans of
 * ours that it sees are captured under its options.
 */
export function createSpanProcessor(options?: InitOptions): SpanProcessor {
  const config = resolveConfig(options);
  const processor = new GlassboxSpanProcessor(processorConfig(config), buildRuntime(config));
  slot.detachedProcessors.add(new WeakRef(processor));
  return processor;
}

function buildRuntime(config: ResolvedConfig): Runtime {
  const runtime = createRuntime(config);
  for (const warning of config.warnings) runtime.logger.once('warn', warning, `config:${warning}`);
  return runtime;
}

function processorConfig(config: ResolvedConfig) {
  return {
    exporters: config.exporters,
    spanProcessors: config.spanProcessors,
    queue: { mode: config.exportMode, ...config.batch },
  };
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

// TraceIdRatioBasedSampler validates and hashes the trace id of every root span; at 1 and 0 the answer
// is known without looking (and both samplers describe themselves the same way to the SDK).
function rootSampler(ratio: number): Sampler {
  if (ratio >= 1) return new AlwaysOnSampler();
  if (ratio <= 0) return new AlwaysOffSampler();
  return new TraceIdRatioBasedSampler(ratio);
}
