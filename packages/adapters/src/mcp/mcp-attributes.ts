import { ATTR, SpanType } from '@glassbox/core';
import type { Attributes } from '@opentelemetry/api';
import { isObj, type Obj } from '../internal/llm/parts.js';

/** What an MCP request is about: its span name, span type, and the attributes known before it is sent. */
export interface McpRequestPlan {
  method: string;
  name: string;
  type: SpanType;
  /** `gen_ai.tool.name` of a `tools/call`, else undefined. */
  toolName: string | undefined;
  attributes: Attributes;
  /** What `glassbox.inputs` records (the arguments, or the params without `_meta`), if anything. */
  inputs: unknown;
}

// The JSON-RPC error code a server sends for a handler error that carries no code of its own.
const INTERNAL_ERROR = -32603;

/** Plans the span of one MCP request from its method and params (the same on both sides). */
export function planRequest(method: string, params: unknown, id: unknown): McpRequestPlan {
  const p: Obj = isObj(params) ? params : {};
  const attributes: Attributes = { [ATTR.MCP_METHOD_NAME]: method };
  if ((typeof id === 'string' && id !== '') || typeof id === 'number') {
    attributes[ATTR.JSONRPC_REQUEST_ID] = String(id);
  }
  let name = method;
  let type: SpanType = SpanType.UNKNOWN;
  let toolName: string | undefined;
  let inputs: unknown = withoutMeta(p);
  if (method === 'tools/call' && typeof p.name === 'string') {
    toolName = p.name;
    name = `${method} ${p.name}`;
    type = SpanType.TOOL;
    attributes[ATTR.GEN_AI_OPERATION_NAME] = 'execute_tool';
    attributes[ATTR.GEN_AI_TOOL_NAME] = p.name;
    inputs = p.arguments ?? {};
  } else if (method === 'prompts/get' && typeof p.name === 'string') {
    name = `${method} ${p.name}`;
    type = SpanType.PROMPT;
    attributes[ATTR.GEN_AI_PROMPT_NAME] = p.name;
    inputs = p.arguments ?? {};
  } else if (typeof p.uri === 'string' && method.startsWith('resources/')) {
    // The URI stays out of the span name: it is high-cardinality (the convention's default).
    attributes[ATTR.MCP_RESOURCE_URI] = p.uri;
  }
  return { method, name, type, toolName, attributes, inputs };
}

/** The params of a request without `_meta` (trace context, progress token), or undefined when empty. */
function withoutMeta(params: Obj): unknown {
  const { _meta: _ignored, ...rest } = params;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/** A result without `_meta`, for `glassbox.outputs`. */
export function resultForCapture(result: unknown): unknown {
  if (!isObj(result) || Array.isArray(result) || !('_meta' in result)) return result;
  const { _meta: _ignored, ...rest } = result;
  return rest;
}

/**
 * `network.*` and `server.*` of a transport: stdio is a `pipe`; Streamable HTTP and SSE are `http` over
 * `tcp`, with the server's address and port on the client side; WebSocket is `websocket` over `tcp`.
 * Transports are recognised by their class name, then by shape (an app may wrap or subclass them).
 */
export function transportAttributes(transport: unknown): Attributes {
  if (!isObj(transport)) return {};
  const className = typeof transport.constructor?.name === 'string' ? transport.constructor.name : '';
  const url: unknown = transport._url;
  if (/stdio/i.test(className) || isObj(transport._serverParams) || isObj(transport._stdin)) {
    return { [ATTR.NETWORK_TRANSPORT]: 'pipe' };
  }
  if (/websocket/i.test(className)) {
    return {
      ...serverAttributes(url),
      [ATTR.NETWORK_TRANSPORT]: 'tcp',
      [ATTR.NETWORK_PROTOCOL_NAME]: 'websocket',
    };
  }
  if (/http|sse/i.test(className) || url instanceof URL || typeof transport.handleRequest === 'function') {
    return {
      ...serverAttributes(url),
      [ATTR.NETWORK_TRANSPORT]: 'tcp',
      [ATTR.NETWORK_PROTOCOL_NAME]: 'http',
    };
  }
  return {};
}

function serverAttributes(url: unknown): Attributes {
  if (!(url instanceof URL)) return {};
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  return { [ATTR.SERVER_ADDRESS]: url.hostname.replace(/^\[|\]$/g, ''), [ATTR.SERVER_PORT]: port };
}

/** The `mcp.session.id` of a transport (Streamable HTTP sessions), if it has one. */
export function sessionIdOf(transport: unknown): string | undefined {
  if (!isObj(transport)) return undefined;
  try {
    const id: unknown = transport.sessionId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON-RPC error code an error carries (an `McpError`'s `code`), or undefined. */
export function jsonRpcCode(error: unknown): number | undefined {
  if (!isObj(error)) return undefined;
  try {
    const code: unknown = error.code;
    return typeof code === 'number' && Number.isSafeInteger(code) ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON-RPC error code the SDK's server answers a thrown handler error with. */
export function answeredCode(error: unknown): number {
  return jsonRpcCode(error) ?? INTERNAL_ERROR;
}

/** The first text content of a tool result (what a model reads as the error of an `isError` result). */
export function firstText(result: Obj): string | undefined {
  const content: unknown = result.content;
  if (!Array.isArray(content)) return undefined;
  for (const part of content) {
    if (isObj(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
  }
  return undefined;
}
