import { ProxyTracerProvider, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { CORE_VERSION, slot } from './global-slot.js';

/** The instrumentation scope name of every span Glassbox starts. */
export const TRACER_NAME = '@glassbox/core';

const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/** The tracer our spans go through: the global one, so an app's own provider is used when it has one. */
export function getTracer(): Tracer {
  let tracer = slot.tracer;
  if (tracer === undefined) {
    tracer = trace.getTracer(TRACER_NAME, CORE_VERSION);
    slot.tracer = tracer;
  }
  return tracer;
}

/** The registered tracer provider (unwrapped from the API's proxy), or undefined when there is none. */
export function registeredProvider(): TracerProvider | undefined {
  const global = trace.getTracerProvider();
  const delegate = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  return delegate === NOOP_PROVIDER ? undefined : delegate;
}

/**
 * Whether any tracer provider is registered. Without one every span is a no-op, so a traced call can be
 * a plain call; cached once true (the API caches its delegate tracers the same way).
 */
export function providerRegistered(): boolean {
  if (slot.providerSeen) return true;
  if (registeredProvider() === undefined) return false;
  slot.providerSeen = true;
  return true;
}

/** Forgets the cached tracer, after the global provider was replaced or removed. */
export function resetTracer(): void {
  slot.tracer = undefined;
  slot.providerSeen = false;
}
