import { type Attributes, type Context, createContextKey, type Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';
import type { TraceAttributes } from '../trace-attributes.js';
import { capturedJson } from './capture-attribute.js';
import { keepShape } from './keep-shape.js';
import type { Runtime } from './runtime.js';
import { safeAttributes } from './sanitize.js';

/**
 * One per `withTraceContext` scope or local root span. Mutable on purpose: `updateCurrentTrace` changes it
 * so spans started later in the same scope (even from sibling async work) see the update.
 */
export interface TraceScope {
  attrs: TraceAttributes;
  /** The flattened span attributes (redacted and bounded), recomputed when `attrs` change. */
  flat: Attributes;
  /** The local root span of the trace, when known, so updates reach it. */
  root: Span | undefined;
}

export const TRACE_SCOPE_KEY = createContextKey('glassbox.trace-scope');

export function getTraceScope(ctx: Context): TraceScope | undefined {
  return ctx.getValue(TRACE_SCOPE_KEY) as TraceScope | undefined;
}

/** The attributes of a trace that has none; shared by every such scope, never mutated. */
export const NO_TRACE_ATTRIBUTES: TraceAttributes = Object.freeze({});
/** What `flatten` gives for no attributes: shared, so that `hasTraceAttributes` is one comparison. */
const NO_FLAT_ATTRIBUTES: Attributes = Object.freeze({});

export function createTraceScope(
  attrs: TraceAttributes,
  root: Span | undefined,
  runtime: Runtime,
): TraceScope {
  const scope: TraceScope = {
    attrs,
    flat: attrs === NO_TRACE_ATTRIBUTES ? NO_FLAT_ATTRIBUTES : flattenTraceAttributes(attrs, runtime),
    root,
  };
  keepShape.scope = scope;
  return scope;
}

/** Whether a scope has any span attributes to apply (most traces have none). */
export function hasTraceAttributes(scope: TraceScope): boolean {
  return scope.flat !== NO_FLAT_ATTRIBUTES;
}

/**
 * Gives a span started under `parent` the attributes of its trace (session, user, tags, metadata). The
 * one place that does it: a Glassbox span processor calls it for every span (other libraries' too), and
 * the code starting a span of ours calls it when no Glassbox processor saw that span.
 */
export function applyTraceAttributes(span: Span, parent: Context): void {
  const scope = getTraceScope(parent);
  if (scope !== undefined && scope.flat !== NO_FLAT_ATTRIBUTES) span.setAttributes(scope.flat);
}

/** Merges trace attributes: later values win, tags are unioned, metadata is merged key by key. */
export function mergeTraceAttributes(base: TraceAttributes, extra: TraceAttributes): TraceAttributes {
  const out: TraceAttributes = { ...base };
  if (extra.sessionId !== undefined) out.sessionId = extra.sessionId;
  if (extra.userId !== undefined) out.userId = extra.userId;
  if (Array.isArray(extra.tags)) out.tags = [...new Set([...(base.tags ?? []), ...extra.tags])];
  if (extra.metadata !== undefined && extra.metadata !== null && typeof extra.metadata === 'object') {
    out.metadata = { ...base.metadata, ...extra.metadata };
  }
  return out;
}

export function updateScope(scope: TraceScope, extra: TraceAttributes, runtime: Runtime): void {
  scope.attrs = mergeTraceAttributes(scope.attrs, extra);
  scope.flat = flattenTraceAttributes(scope.attrs, runtime);
}

/** The span attributes of trace attributes, redacted and bounded like every hand-set value. */
export function flattenTraceAttributes(attrs: TraceAttributes, runtime: Runtime): Attributes {
  if (
    attrs.sessionId === undefined &&
    attrs.userId === undefined &&
    (!Array.isArray(attrs.tags) || attrs.tags.length === 0) &&
    (attrs.metadata === undefined || attrs.metadata === null)
  ) {
    return NO_FLAT_ATTRIBUTES;
  }
  const out: Attributes = {};
  if (attrs.sessionId !== undefined) out[ATTR.SESSION_ID] = textOf(attrs.sessionId);
  if (attrs.userId !== undefined) out[ATTR.USER_ID] = textOf(attrs.userId);
  if (Array.isArray(attrs.tags) && attrs.tags.length > 0) out[ATTR.TRACE_TAGS] = attrs.tags.map(textOf);
  if (attrs.metadata !== null && typeof attrs.metadata === 'object') {
    for (const key of Object.keys(attrs.metadata)) {
      let value: unknown;
      try {
        value = attrs.metadata[key];
      } catch {
        continue;
      }
      if (value === undefined) continue;
      const text = typeof value === 'string' ? value : capturedJson(value, runtime);
      if (text !== undefined) out[ATTR.TRACE_METADATA_PREFIX + key] = text;
    }
  }
  return safeAttributes(out, runtime);
}

function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unreadable]';
  }
}
