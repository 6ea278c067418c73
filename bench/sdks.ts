/**
 * One process, one OpenTelemetry API, one context manager, and one tracer provider per SDK.
 *
 * Why a provider per SDK rather than one shared provider: each SDK ships its own span processing
 * (Glassbox its bounded export queues, Traceloop a BatchSpanProcessor with its own onStart/onEnd), and a
 * shared provider would run every span through every SDK's processing. With one provider each, every SDK
 * pays exactly its own way, and every span lands in that SDK's own counting exporter.
 *
 * How: Glassbox's `init` registers its provider (standalone mode, as users run it) together with the
 * AsyncLocalStorage context manager and the W3C propagators that everybody then shares. The global
 * provider is then swapped for a router that hands each tracer name to its SDK's provider; tracers are
 * resolved once (Glassbox caches its tracer, raw OTel looks it up once), except Traceloop, which calls
 * `trace.getTracer` on every call, as it always does. OpenInference gets its tracer through its
 * documented `tracer` option and Langfuse through `setLangfuseTracerProvider`, the fastest documented
 * setups of each. Raw OpenTelemetry, OpenInference and Langfuse export through the stock
 * BatchSpanProcessor; Traceloop through its own `createSpanProcessor` (a BatchSpanProcessor with its hooks).
 */
import {
  trace as otelTrace,
  type ProxyTracerProvider,
  SpanStatusCode,
  type Tracer,
  type TracerOptions,
  type TracerProvider,
} from '@opentelemetry/api';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { CountingExporter, MAX_VALUE_LENGTH_ENV, type Variant } from './harness.js';

type Fn = (...args: any[]) => any;
type GlassboxModule = typeof import('@glassbox/core');
type OpenInferenceModule = typeof import('@arizeai/openinference-core');
type LangfuseModule = typeof import('@langfuse/tracing');
type TraceloopModule = typeof import('@traceloop/node-server-sdk');

/** `active`: everything records; `sampled-out`: every SDK samples at ratio 0; `uninitialised`: nothing set up. */
export type SdkMode = 'active' | 'sampled-out' | 'uninitialised';

/** The SDKs as one scenario sees them, with a wrapper per SDK that traces a function the idiomatic way. */
export interface Sdks {
  mode: SdkMode;
  glassbox: GlassboxModule;
  openinference: OpenInferenceModule;
  langfuse: LangfuseModule;
  traceloop: TraceloopModule;
  /** Glassbox's handle (undefined when uninitialised). */
  handle: ReturnType<GlassboxModule['init']> | undefined;
  exporters: Record<PeerName, CountingExporter | undefined>;
  /** The tracer hand-written OpenTelemetry code uses: `trace.getTracer('bench-raw')`. */
  rawTracer: Tracer;
  /** OpenInference's `tracer` option (undefined: its default, the global tracer). */
  openinferenceTracer: Tracer | undefined;
  /** Exports everything every SDK still holds. */
  flush(): Promise<void>;
  /** Spans that reached the router under a tracer name no SDK owns (must stay 0). */
  strays(): number;
}

export type PeerName = 'raw-otel' | 'glassbox' | 'openinference' | 'langfuse' | 'traceloop';

export const PEERS: readonly PeerName[] = ['raw-otel', 'glassbox', 'openinference', 'langfuse', 'traceloop'];

const TRACELOOP_TRACER = '@traceloop/node-server-sdk';
const GLASSBOX_TRACER = '@glassbox/core';
const RAW_TRACER = 'bench-raw';

/** Sends each tracer name to its SDK's provider; tracers are cached by the API, so this runs once per name. */
class RouterProvider implements TracerProvider {
  constructor(
    private readonly routes: Map<string, TracerProvider>,
    private readonly fallback: TracerProvider,
  ) {}

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    return (this.routes.get(name) ?? this.fallback).getTracer(name, version, options);
  }
}

function batchProvider(exporter: CountingExporter, sampler: Sampler | undefined): BasicTracerProvider {
  return new BasicTracerProvider({
    ...(sampler ? { sampler } : {}),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
}

/** Sets up every SDK for one scenario process; call once, before any traced call. */
export async function setupSdks(mode: SdkMode): Promise<Sdks> {
  const glassbox = await import('@glassbox/core');
  const openinference = await import('@arizeai/openinference-core');
  const langfuse = await import('@langfuse/tracing');
  const traceloop = await import('@traceloop/node-server-sdk');

  if (mode === 'uninitialised') {
    // Nothing registered: the API's no-op tracer and context manager, Traceloop never initialised.
    return {
      mode,
      glassbox,
      openinference,
      langfuse,
      traceloop,
      handle: undefined,
      exporters: {
        'raw-otel': undefined,
        glassbox: undefined,
        openinference: undefined,
        langfuse: undefined,
        traceloop: undefined,
      },
      rawTracer: otelTrace.getTracer(RAW_TRACER),
      openinferenceTracer: undefined,
      flush: () => Promise.resolve(),
      strays: () => 0,
    };
  }

  const ratio = mode === 'sampled-out' ? 0 : 1;
  // The same sampler Glassbox builds from `sampleRatio`; at ratio 1 the SDK default (parent-based always-on).
  const sampler =
    ratio === 1 ? undefined : new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  const exporters = {
    'raw-otel': new CountingExporter(),
    glassbox: new CountingExporter(),
    openinference: new CountingExporter(),
    langfuse: new CountingExporter(),
    traceloop: new CountingExporter(),
  };

  // `pnpm bench -- --max-value-length=N` (never written to results): how capture size drives the cost.
  const maxValueLength = process.env[MAX_VALUE_LENGTH_ENV];
  const handle = glassbox.init({
    serviceName: 'glassbox-bench',
    exporters: [exporters.glassbox],
    exportMode: 'batch',
    sampleRatio: ratio,
    logLevel: 'error',
    ...(maxValueLength ? { maxValueLength: Number(maxValueLength) } : {}),
  });
  const glassboxProvider = (otelTrace.getTracerProvider() as ProxyTracerProvider).getDelegate();

  const rawProvider = batchProvider(exporters['raw-otel'], sampler);
  const openinferenceProvider = batchProvider(exporters.openinference, sampler);
  const langfuseProvider = batchProvider(exporters.langfuse, sampler);
  // Traceloop's initialize() would start a NodeSDK that owns the global provider and loads every
  // instrumentation; `tracingEnabled: false` keeps only its configuration (content capture on), and its
  // own span processor runs in a provider of its own.
  traceloop.initialize({
    appName: 'glassbox-bench',
    tracingEnabled: false,
    traceloopSyncEnabled: false,
    silenceInitializationMessage: true,
    baseUrl: 'http://127.0.0.1:9',
    exporter: exporters.traceloop,
    disableBatch: false,
  });
  const traceloopProvider = new BasicTracerProvider({
    ...(sampler ? { sampler } : {}),
    spanProcessors: [
      traceloop.createSpanProcessor({
        exporter: exporters.traceloop,
        disableBatch: false,
        baseUrl: 'http://127.0.0.1:9',
        allowedInstrumentationLibraries: traceloop.ALL_INSTRUMENTATION_LIBRARIES,
      }) as unknown as SpanProcessor,
    ],
  });
  const strayExporter = new CountingExporter();
  const strayProvider = batchProvider(strayExporter, undefined);

  otelTrace.disable();
  const router = new RouterProvider(
    new Map<string, TracerProvider>([
      [GLASSBOX_TRACER, glassboxProvider],
      [TRACELOOP_TRACER, traceloopProvider],
      [RAW_TRACER, rawProvider],
    ]),
    strayProvider,
  );
  if (!otelTrace.setGlobalTracerProvider(router)) throw new Error('could not register the router provider');
  langfuse.setLangfuseTracerProvider(langfuseProvider);

  return {
    mode,
    glassbox,
    openinference,
    langfuse,
    traceloop,
    handle,
    exporters,
    rawTracer: otelTrace.getTracer(RAW_TRACER),
    openinferenceTracer: openinferenceProvider.getTracer('openinference-core'),
    flush: async () => {
      await Promise.all([
        handle.flush(),
        rawProvider.forceFlush(),
        openinferenceProvider.forceFlush(),
        langfuseProvider.forceFlush(),
        traceloopProvider.forceFlush(),
        strayProvider.forceFlush(),
      ]);
    },
    strays: () => strayExporter.count,
  };
}

/** What the span of a wrapped function is, for the SDKs that type their spans. */
export type StepKind = 'chain' | 'retriever' | 'llm' | 'tool';

const GLASSBOX_TYPE = { chain: 'CHAIN', retriever: 'RETRIEVER', llm: 'LLM', tool: 'TOOL' } as const;
const OPENINFERENCE_KIND = { chain: 'CHAIN', retriever: 'RETRIEVER', llm: 'LLM', tool: 'TOOL' } as const;
const LANGFUSE_TYPE = { chain: 'chain', retriever: 'retriever', llm: 'generation', tool: 'tool' } as const;

/**
 * Traces `fn` with one SDK the way its docs show: Glassbox `trace`, OpenInference `withSpan`, Langfuse
 * `observe`, Traceloop `withTask`/`withWorkflow`, and a hand-written OpenTelemetry wrapper.
 */
export function wrap<F extends Fn>(sdks: Sdks, peer: PeerName, name: string, kind: StepKind, fn: F): F {
  switch (peer) {
    case 'raw-otel':
      return rawOtel(sdks.rawTracer, name, fn);
    case 'glassbox':
      return sdks.glassbox.trace(fn, { name, type: GLASSBOX_TYPE[kind] });
    case 'openinference':
      return sdks.openinference.withSpan(fn, {
        name,
        kind: OPENINFERENCE_KIND[kind] as never,
        ...(sdks.openinferenceTracer ? { tracer: sdks.openinferenceTracer } : {}),
      });
    case 'langfuse':
      return sdks.langfuse.observe(fn, { name, asType: LANGFUSE_TYPE[kind] }) as unknown as F;
    case 'traceloop': {
      const entity = kind === 'chain' ? sdks.traceloop.withWorkflow : sdks.traceloop.withTask;
      // Traceloop's wrappers always return a promise (the span callback is async), even for a sync function.
      return ((...args: unknown[]) => entity({ name }, fn as (...a: unknown[]) => unknown, ...args)) as F;
    }
  }
}

/**
 * Hand-written OpenTelemetry, as an application would write it: `startActiveSpan`, JSON of the
 * arguments and of the result as attributes (skipped when the span does not record, as the OTel docs
 * advise), exception and ERROR status on failure, `end()` in `finally`. Async results are awaited inside.
 */
export function rawOtel<F extends Fn>(tracer: Tracer, name: string, fn: F): F {
  const traced = function (this: unknown, ...args: unknown[]): unknown {
    return tracer.startActiveSpan(name, (span) => {
      const fail = (error: unknown) => {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
      };
      let result: unknown;
      try {
        if (span.isRecording()) span.setAttribute('input.value', JSON.stringify(args));
        result = fn.apply(this, args);
      } catch (error) {
        fail(error);
        span.end();
        throw error;
      }
      if (result instanceof Promise) {
        return result.then(
          (value: unknown) => {
            if (span.isRecording()) span.setAttribute('output.value', JSON.stringify(value));
            span.end();
            return value;
          },
          (error: unknown) => {
            fail(error);
            span.end();
            throw error;
          },
        );
      }
      if (span.isRecording()) span.setAttribute('output.value', JSON.stringify(result));
      span.end();
      return result;
    });
  };
  return traced as F;
}

/**
 * The variants of one workload: `plain` first, then each SDK's wrapped call. `make` builds the call for
 * one SDK once, outside the timed loop.
 */
export function variantsFor(
  sdks: Sdks,
  peers: readonly PeerName[],
  plain: () => unknown,
  make: (peer: PeerName) => () => unknown,
  options: { async: boolean; spansPerCall: number; childSpansPerCall?: number },
): Variant[] {
  const recording = sdks.mode === 'active';
  return [
    { name: 'plain', call: plain, async: options.async, spansPerCall: 0 },
    ...peers.map(
      (peer): Variant => ({
        name: peer,
        call: make(peer),
        async: options.async,
        spansPerCall: recording ? options.spansPerCall : 0,
        childSpansPerCall: recording ? (options.childSpansPerCall ?? 0) : 0,
        exporter: sdks.exporters[peer],
        ...(peer === 'traceloop' && !options.async
          ? {
              note: 'its wrapper returns a promise even for a sync function (not awaited here; the span has ended by then)',
            }
          : {}),
      }),
    ),
  ];
}
