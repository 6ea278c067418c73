import type { Tracer } from '@opentelemetry/api';
import type { Runtime } from './runtime-shape.js';

/** This copy's version; two copies share the slot only when their versions are compatible. */
export const CORE_VERSION = '0.1.0';
const MAJOR = CORE_VERSION.split('.')[0];

/**
 * What every loaded copy of @glassbox/core (the ESM and the CJS build, or two installs of one version)
 * shares through `globalThis`, so that `init()` in one reaches traced functions made by the other.
 */
export interface GlobalSlot {
  readonly version: string;
  /** The runtime traced functions use: the latest `init()`'s, or the default one. */
  current: Runtime | undefined;
  /**
   * Handshake between a Glassbox span processor and the code that starts a span: `onStart` runs
   * synchronously inside `startSpan`, and leaves here the span and its processor's runtime. Right after
   * `startSpan` returns, the caller checks `startingSpan === span`: if so, that processor's runtime
   * captures for the span and has already applied the trace attributes.
   */
  startingSpan: object | undefined;
  startingRuntime: Runtime | undefined;
  /** The global tracer, cached until the global provider changes. */
  tracer: Tracer | undefined;
  /** True once a tracer provider was seen registered; from then on traced calls start spans. */
  providerSeen: boolean;
  /** The installation process-exit and signal hooks flush, and whether they are installed. */
  installation: { exitFlush(): Promise<void> | undefined; signalFlush(): Promise<void> } | undefined;
  exitHookInstalled: boolean;
  signalHooksInstalled: boolean;
  /** Processors made by `createSpanProcessor`, so an attached `init()` handle can report their stats. */
  detachedProcessors: Set<WeakRef<object>>;
}

// Keyed by major version (like OpenTelemetry's `opentelemetry.js.api.1`): copies of different majors
// never read each other's slot, whatever they keep in it.
const KEY = Symbol.for(`glassbox.core.v${MAJOR}`);

/** Set when another, incompatible copy owns the shared slot: this copy then runs on its own. */
export let incompatibleCopy: string | undefined;

/** The slot this copy uses: the shared one when compatible, else a private one (and a warning). */
export const slot: GlobalSlot = claimSlot();

function claimSlot(): GlobalSlot {
  const global = globalThis as Record<symbol, GlobalSlot | undefined>;
  const existing = global[KEY];
  if (existing !== undefined) {
    if (isCompatible(existing.version)) return existing;
    incompatibleCopy = String(existing.version);
    return newSlot();
  }
  const created = newSlot();
  global[KEY] = created;
  return created;
}

function newSlot(): GlobalSlot {
  return {
    version: CORE_VERSION,
    current: undefined,
    startingSpan: undefined,
    startingRuntime: undefined,
    tracer: undefined,
    providerSeen: false,
    installation: undefined,
    exitHookInstalled: false,
    signalHooksInstalled: false,
    detachedProcessors: new Set(),
  };
}

/**
 * Whether a copy of another version may share this copy's slot: same major and minor. Stricter than
 * OpenTelemetry's API check (which lets a newer minor read an older global) because the slot holds live
 * objects whose shape a minor release may extend.
 */
export function isCompatible(other: unknown, own: string = CORE_VERSION): boolean {
  if (typeof other !== 'string') return false;
  const a = /^(\d+)\.(\d+)\./.exec(own);
  const b = /^(\d+)\.(\d+)\./.exec(other);
  return a !== null && b !== null && a[1] === b[1] && a[2] === b[2];
}
