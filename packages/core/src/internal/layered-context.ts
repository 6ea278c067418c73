import { type Context, INVALID_SPAN_CONTEXT, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import { keepShape } from './keep-shape.js';

/** Marks a key deleted in a layer, so the value below (in the base context) is hidden. */
const DELETED: unique symbol = Symbol('glassbox.context.deleted');

/** Layers with more keys than this are folded into their base context (so lookups stay short). */
const MAX_KEYS = 8;

/**
 * Marks layers, whichever copy of this module made them (an app may load both the ESM and the CJS
 * build): a layer is always extended, never stacked on another one.
 */
const LAYER: unique symbol = Symbol.for('glassbox.layered-context.v1');

/**
 * An immutable OpenTelemetry `Context` (the public interface: getValue, setValue, deleteValue) that holds
 * the few values a traced call sets (its span, its trace scope, a capture override) as a short key/value
 * array over the context it was started in.
 *
 * Why: the API's own context class copies its whole `Map` and creates three closures on every
 * `setValue`; a root span needed two of those copies (the span, then the trace scope), each ~200 ns and
 * ~500 bytes. Here a span costs one small array and one object. A layer never sits on another layer
 * (setting a value copies the array, over the same base), so the parent's shadowed values are dropped
 * like the API's class drops them, and a lookup reads at most MAX_KEYS keys before asking the base.
 */
export class LayeredContext implements Context {
  declare readonly [LAYER]: true;

  constructor(
    /** The context below; never a LayeredContext. */
    readonly base: Context,
    /** key0, value0, key1, value1, ...; never mutated once the layer exists. */
    readonly entries: readonly unknown[],
  ) {
    keepShape.layer = this;
  }

  getValue(key: symbol): unknown {
    const entries = this.entries;
    for (let i = 0; i < entries.length; i += 2) {
      if (entries[i] === key) {
        const value = entries[i + 1];
        return value === DELETED ? undefined : value;
      }
    }
    return this.base.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return extend(this.base, this.entries, key, value);
  }

  deleteValue(key: symbol): Context {
    return extend(this.base, this.entries, key, DELETED);
  }
}

Object.defineProperty(LayeredContext.prototype, LAYER, { value: true });

function isLayer(ctx: Context): ctx is LayeredContext {
  return (ctx as Partial<LayeredContext>)[LAYER] === true;
}

function extend(base: Context, entries: readonly unknown[], key: symbol, value: unknown): Context {
  const n = entries.length;
  for (let i = 0; i < n; i += 2) {
    if (entries[i] === key) {
      const copy = entries.slice();
      copy[i + 1] = value;
      return new LayeredContext(base, copy);
    }
  }
  if (n >= MAX_KEYS * 2) {
    const folded = fold(base, entries);
    return value === DELETED ? folded.deleteValue(key) : folded.setValue(key, value);
  }
  const copy = new Array<unknown>(n + 2);
  for (let i = 0; i < n; i++) copy[i] = entries[i];
  copy[n] = key;
  copy[n + 1] = value;
  return new LayeredContext(base, copy);
}

/** The same values as a context of the base's own kind (only when a layer would grow past MAX_KEYS). */
function fold(base: Context, entries: readonly unknown[]): Context {
  let ctx = base;
  for (let i = 0; i < entries.length; i += 2) {
    const key = entries[i] as symbol;
    const value = entries[i + 1];
    ctx = value === DELETED ? ctx.deleteValue(key) : ctx.setValue(key, value);
  }
  return ctx;
}

/**
 * The API's key for the active span, learnt by letting `trace.setSpan` write into a layer (the key is
 * not exported). Undefined if the API does not set the span with `setValue`; `contextWithSpan` then
 * goes through `trace.setSpan`.
 */
const SPAN_KEY: symbol | undefined = (() => {
  try {
    const probe = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    const ctx = trace.setSpan(new LayeredContext(ROOT_CONTEXT, []), probe);
    if (!isLayer(ctx)) return undefined;
    const [key, value] = ctx.entries;
    return typeof key === 'symbol' && value === probe && trace.getSpan(ctx) === probe ? key : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * `parent` with `span` active and, when `key1`/`key2` are given, those values set: the context
 * `trace.setSpan(parent, span).setValue(key1, value1).setValue(key2, value2)` would be, in one layer.
 */
export function contextWithSpan(
  parent: Context,
  span: Span,
  key1?: symbol,
  value1?: unknown,
  key2?: symbol,
  value2?: unknown,
): Context {
  let ctx: Context;
  if (SPAN_KEY === undefined) {
    ctx = trace.setSpan(parent, span);
  } else if (isLayer(parent)) {
    ctx = extend(parent.base, parent.entries, SPAN_KEY, span);
  } else if (key1 !== undefined && key1 !== SPAN_KEY && key2 !== key1 && key2 !== SPAN_KEY) {
    // The common case, a span started in a plain context: build the whole layer at once.
    return new LayeredContext(
      parent,
      key2 === undefined ? [SPAN_KEY, span, key1, value1] : [SPAN_KEY, span, key1, value1, key2, value2],
    );
  } else {
    ctx = new LayeredContext(parent, [SPAN_KEY, span]);
  }
  if (key1 !== undefined) ctx = ctx.setValue(key1, value1);
  if (key2 !== undefined) ctx = ctx.setValue(key2, value2);
  return ctx;
}
