import { ATTR } from '@glassbox/core';
import { type Attributes, context, SpanKind } from '@opentelemetry/api';
import { isObj, type Obj } from '../internal/llm/parts.js';
import { defineHidden, TRACED } from '../internal/llm/patch.js';
import { tryOrWarn } from '../internal/warn.js';
import { answeredCode, planRequest, transportAttributes } from './mcp-attributes.js';
import { peerAttributes, remoteParent, withPeer } from './mcp-context.js';
import {
  type McpSettings,
  markToolError,
  recordOutputs,
  rememberInitialize,
  runInMcpSpan,
  stateOf,
} from './mcp-span.js';

type Handler = (request: unknown, extra: unknown) => unknown;

/**
 * Traces the requests a Server (or a Client, for sampling and elicitation) handles: each handler the SDK
 * looks up in the instance's `_requestHandlers` map, registered before or after this call (McpServer adds
 * its `tools/call` handler with the first tool), runs inside a SERVER span parented to the trace context
 * in the request's `params._meta`. Returns false when the instance has no such map.
 */
export function traceIncoming(protocol: Obj, settings: McpSettings): boolean {
  const handlers: unknown = protocol._requestHandlers;
  if (!(handlers instanceof Map)) return false;
  if ((handlers as unknown as Record<symbol, unknown>)[TRACED]) return true;
  const tracedHandlers = new WeakMap<Handler, Handler>();
  const get = handlers.get;
  defineHidden(handlers, 'get', function tracedGet(this: Map<string, unknown>, method: string) {
    const handler = get.call(this, method);
    if (typeof handler !== 'function') return handler;
    let traced = tracedHandlers.get(handler as Handler);
    if (traced === undefined) {
      traced = traceHandler(protocol, handler as Handler, settings);
      tracedHandlers.set(handler as Handler, traced);
    }
    return traced;
  });
  defineHidden(handlers, TRACED, true);
  return true;
}

function traceHandler(protocol: Obj, handler: Handler, settings: McpSettings): Handler {
  return function tracedHandler(this: unknown, request: unknown, extra: unknown): unknown {
    if (!isObj(request) || typeof request.method !== 'string') return handler.call(this, request, extra);
    const setup = tryOrWarn(settings.adapter, 'plan', 'could not read an MCP request', () =>
      serverSpanOptions(protocol, request, extra, settings),
    );
    if (setup === undefined) return handler.call(this, request, extra);
    const { plan, options } = setup;
    return runInMcpSpan(settings.adapter, options, {
      call: (span) => {
        if (span && plan.inputs !== undefined) span.setInputs(plan.inputs);
        return handler.call(this, request, extra);
      },
      onResult: (span, result) => {
        if (plan.method === 'initialize') {
          rememberInitialize(protocol, result);
          span.setAttribute(ATTR.MCP_PROTOCOL_VERSION, stateOf(protocol).protocolVersion);
        }
        if (plan.method === 'tools/call' && isObj(result) && result.isError === true)
          markToolError(span, result);
        recordOutputs(span, result);
      },
      onError: (span, error) => {
        span.recordError(error);
        // Every handler error reaches the client as a JSON-RPC error: its code is the convention's error.type.
        const code = String(answeredCode(error));
        span.setAttribute(ATTR.RPC_RESPONSE_STATUS_CODE, code);
        span.setAttribute(ATTR.ERROR_TYPE, code);
      },
    });
  };
}

function serverSpanOptions(protocol: Obj, request: Obj, extra: unknown, settings: McpSettings) {
  const plan = planRequest(request.method, request.params, request.id);
  const info: Obj = isObj(extra) ? extra : {};
  const { parent, links } = remoteParent(
    isObj(request.params) ? request.params._meta : undefined,
    context.active(),
  );
  const headers: unknown = isObj(info.requestInfo) ? info.requestInfo.headers : undefined;
  const headerVersion: unknown = isObj(headers) ? headers['mcp-protocol-version'] : undefined;
  const version = typeof headerVersion === 'string' ? headerVersion : stateOf(protocol).protocolVersion;
  const attributes: Attributes = {
    ...settings.attributes,
    ...transportAttributes(protocol.transport),
    ...peerAttributes(),
    ...plan.attributes,
  };
  if (typeof info.sessionId === 'string' && info.sessionId !== '')
    attributes[ATTR.MCP_SESSION_ID] = info.sessionId;
  if (version !== undefined) attributes[ATTR.MCP_PROTOCOL_VERSION] = version;
  if (typeof request.jsonrpc === 'string' && request.jsonrpc !== '2.0') {
    attributes[ATTR.JSONRPC_PROTOCOL_VERSION] = request.jsonrpc;
  }
  const options = {
    name: plan.name,
    type: plan.type,
    kind: SpanKind.SERVER,
    parent,
    links,
    attributes,
    captureContent: settings.captureContent,
  };
  return { plan, options };
}

/**
 * Wraps `connect` so that each HTTP transport connected (Streamable HTTP or SSE on node:http) makes the
 * client's address and the HTTP version of the request it is serving known to the server spans.
 */
export function tracePeers(protocol: Obj, adapter: string): void {
  // Streamable HTTP answers in `handleRequest(req, res, body)`, the older SSE transport in `handlePostMessage(req, res)`.
  const wrapTransport = (transport: unknown) =>
    tryOrWarn(adapter, 'peer', 'could not instrument an HTTP transport', () => {
      if (!isObj(transport)) return;
      for (const key of ['handleRequest', 'handlePostMessage']) {
        const original: unknown = transport[key];
        if (typeof original !== 'function' || (original as unknown as Record<symbol, unknown>)[TRACED])
          continue;
        const handle = function (this: unknown, ...args: unknown[]) {
          const peer = tryOrWarn(adapter, 'peer', 'could not read the HTTP peer', () => httpPeer(args[0]));
          return peer ? withPeer(peer, () => original.apply(this, args)) : original.apply(this, args);
        };
        defineHidden(handle, TRACED, original);
        defineHidden(transport, key, handle);
      }
    });
  wrapTransport(protocol.transport);
  const connect = protocol.connect;
  if (typeof connect !== 'function' || connect[TRACED]) return;
  const tracedConnect = function (this: unknown, transport: unknown, ...rest: unknown[]) {
    wrapTransport(transport);
    return connect.call(this, transport, ...rest);
  };
  defineHidden(tracedConnect, TRACED, connect);
  defineHidden(protocol, 'connect', tracedConnect);
}

/** `client.address`, `client.port` and `network.protocol.version` of a node:http IncomingMessage. */
function httpPeer(req: unknown): Attributes | undefined {
  if (!isObj(req) || !isObj(req.socket)) return undefined;
  const peer: Attributes = {};
  const { remoteAddress, remotePort } = req.socket;
  if (typeof remoteAddress === 'string') peer[ATTR.CLIENT_ADDRESS] = remoteAddress;
  if (typeof remotePort === 'number') peer[ATTR.CLIENT_PORT] = remotePort;
  if (typeof req.httpVersion === 'string') peer[ATTR.NETWORK_PROTOCOL_VERSION] = req.httpVersion;
  return peer;
}
