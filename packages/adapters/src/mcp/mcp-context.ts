import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  type Link,
  propagation,
  trace,
} from '@opentelemetry/api';
import { isObj, type Obj } from '../internal/llm/parts.js';

// The MCP conventions carry W3C trace context in `params._meta`, beside the progress token; the MCP spec
// reserves no other place for it (modelcontextprotocol#246, #414).

/**
 * A copy of `request` whose `params._meta` also holds the propagation fields of `ctx` (`traceparent`,
 * `tracestate`, `baggage`, whatever the registered propagator writes). The caller's request, params and
 * `_meta` are never modified; their other `_meta` keys (a progress token, the app's own) are kept.
 */
export function withTraceMeta<R extends Obj>(request: R, ctx: Context): R {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (Object.keys(carrier).length === 0) return request;
  const params: Obj = isObj(request.params) ? request.params : {};
  const meta: Obj = isObj(params._meta) ? params._meta : {};
  return { ...request, params: { ...params, _meta: { ...meta, ...carrier } } };
}

/** The parent of a server span and the links to add: the context in `_meta` if any, else the ambient one. */
export function remoteParent(meta: unknown, ambient: Context): { parent: Context; links: Link[] } {
  if (!isObj(meta)) return { parent: ambient, links: [] };
  const extracted = propagation.extract(ambient, meta);
  const remote = trace.getSpanContext(extracted);
  const local = trace.getSpanContext(ambient);
  if (remote === undefined || !trace.isSpanContextValid(remote)) return { parent: ambient, links: [] };
  // The span that was current when the request arrived (an HTTP server span) is kept as a link, as the
  // convention asks: MCP requests and HTTP requests do not map one to one.
  const links =
    local !== undefined && trace.isSpanContextValid(local) && local.spanId !== remote.spanId
      ? [{ context: local }]
      : [];
  return { parent: extracted, links };
}

const PEER = createContextKey('glassbox.mcp.http-peer');

/** `client.*` and `network.protocol.version` of the HTTP request an MCP server is answering. */
export function peerAttributes(ctx: Context = context.active()): Attributes {
  const peer = ctx.getValue(PEER);
  return isObj(peer) ? (peer as Attributes) : {};
}

/** Runs `fn` with the attributes of the HTTP request it serves readable by `peerAttributes`. */
export function withPeer<T>(peer: Attributes, fn: () => T): T {
  return context.with(context.active().setValue(PEER, peer), fn);
}
