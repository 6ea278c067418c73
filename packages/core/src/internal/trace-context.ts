import { type Attributes, type Context, createContextKey, type Span } from '@opentelemetry/api';
import { ATTR } from '../attributes.js';

/** Trace-level attributes that every span started inside a scope carries. */
export interface TraceAttributes {
  sessionId?: string;
  userId?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

/**
 * One per `withTraceContext` scope or local root span. Mutable on purpose: `updateCurrentTrace` changes it
 * so spans started later in the same scope (even from sibling async work) see the update.
 */
export interface TraceScope {
  attrs: TraceAttributes;
  /** The flattened span attributes, recomputed when `attrs` change. */
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

export function createTraceScope(attrs: TraceAttributes, root: Span | undefined): TraceScope {
  return { attrs, flat: attrs === NO_TRACE_ATTRIBUTES ? NO_FLAT_ATTRIBUTES : flatten(attrs), root };
}

/** Whether a scope has any span attributes to apply (most traces have none). */
export function hasTraceAttributes(scope: TraceScope): boolean {
  return scope.flat !== NO_FLAT_ATTRIBUTES;
}

/** Merges trace attributes: later values win, tags are unioned, metadata is merged key by key. */
export function mergeTraceAttributes(base: TraceAttributes, extra: TraceAttributes): TraceAttributes {
  const out: TraceAttributes = { ...base };
  if (extra.sessionId !== undefined) out.sessionId = extra.sessionId;
  if (extra.userId !== undefined) out.userId = extra.userId;
  if (extra.tags !== undefined) out.tags = [...new Set([...(base.tags ?? []), ...extra.tags])];
  if (extra.metadata !== undefined) out.metadata = { ...base.metadata, ...extra.metadata };
  return out;
}

export function updateScope(scope: TraceScope, extra: TraceAttributes): void {
  scope.attrs = mergeTraceAttributes(scope.attrs, extra);
  scope.flat = flatten(scope.attrs);
}

function flatten(attrs: TraceAttributes): Attributes {
  if (
    attrs.sessionId === undefined &&
    attrs.userId === undefined &&
    (attrs.tags === undefined || attrs.tags.length === 0) &&
    attrs.metadata === undefined
  ) {
    return NO_FLAT_ATTRIBUTES;
  }
  const out: Attributes = {};
  if (attrs.sessionId !== undefined) out[ATTR.SESSION_ID] = String(attrs.sessionId);
  if (attrs.userId !== undefined) out[ATTR.USER_ID] = String(attrs.userId);
  if (attrs.tags !== undefined && attrs.tags.length > 0) out[ATTR.TRACE_TAGS] = attrs.tags.map(String);
  if (attrs.metadata) {
    for (const [key, value] of Object.entries(attrs.metadata)) {
      if (value === undefined) continue;
      out[ATTR.TRACE_METADATA_PREFIX + key] = typeof value === 'string' ? value : safeJson(value);
    }
  }
  return out;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
