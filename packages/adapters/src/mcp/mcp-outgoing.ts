import { ATTR, SpanHandle, SpanType } from '@glassbox/core';
import { type Attributes, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { isObj, type Obj } from '../internal/llm/parts.js';
import { patchMethod } from '../internal/llm/patch.js';
import { tryOrWarn } from '../internal/warn.js';
import {
  type McpCallOutcome,
  recordMcpServerName,
  recordMcpToolCall,
  recordMcpToolList,
} from '../tools/mcp-tool-report.js';
import {
  jsonRpcCode,
  type McpRequestPlan,
  planRequest,
  sessionIdOf,
  transportAttributes,
} from './mcp-attributes.js';
import { withTraceMeta } from './mcp-context.js';
import {
  type McpSettings,
  markToolError,
  recordOutputs,
  rememberInitialize,
  runInMcpSpan,
  stateOf,
} from './mcp-span.js';

// Tool spans that an MCP call has already added its attributes to: a second call made by the same tool
// gets a span of its own, so each JSON-RPC request id stays on exactly one span.
const enriched = new WeakSet<Span>();

/**
 * Traces the requests a Client (or a Server, for sampling and elicitation) sends: patches that instance's
 * `request`, through which every SDK method (`callTool`, `listTools`, `readResource`, `ping`, the
 * `initialize` of `connect`...) goes. Returns false when the instance has no `request` method.
 */
export function traceOutgoing(protocol: Obj, settings: McpSettings): boolean {
  return patchMethod(
    protocol,
    'request',
    (original) =>
      function tracedRequest(this: unknown, ...args: unknown[]): unknown {
        const request = args[0];
        if (!isObj(request) || typeof request.method !== 'string') return original.apply(this, args);
        const plan = tryOrWarn(settings.adapter, 'plan', 'could not read an MCP request', () =>
          planRequest(request.method, request.params, undefined),
        );
        if (plan === undefined) return original.apply(this, args);
        const send = (): unknown => {
          const sent = tryOrWarn(settings.adapter, 'inject', 'could not add trace context to _meta', () =>
            withTraceMeta(request, context.active()),
          );
          return original.apply(this, [sent ?? request, ...args.slice(1)]);
        };
        const toolSpan =
          settings.enrichToolSpans && plan.toolName ? enrichableToolSpan(plan.toolName) : undefined;
        if (toolSpan !== undefined) return enrich(protocol, toolSpan, plan, settings, send);
        return traced(protocol, plan, request, settings, send);
      },
  );
}

function traced(
  protocol: Obj,
  plan: McpRequestPlan,
  request: Obj,
  settings: McpSettings,
  send: () => unknown,
) {
  const startedMs = performance.now();
  const attributes: Attributes = {
    ...settings.attributes,
    ...transportAttributes(protocol.transport),
    ...plan.attributes,
  };
  const spanOptions = {
    name: plan.name,
    type: plan.type,
    kind: SpanKind.CLIENT,
    attributes,
    captureContent: settings.captureContent,
  };
  return runInMcpSpan(settings.adapter, spanOptions, {
    call: (span) => {
      if (span && plan.inputs !== undefined) span.setInputs(plan.inputs);
      return sendWithId(protocol, send, span);
    },
    onResult: (span, result) => {
      const outcome = observeResult(protocol, plan, request, result, settings);
      lateAttributes(protocol, span);
      if (outcome === 'tool_error' && isObj(result)) markToolError(span, result);
      recordOutputs(span, result);
      recordCall(settings, plan, startedMs, outcome);
    },
    onError: (span, error) => {
      lateAttributes(protocol, span);
      span.recordError(error);
      const code = jsonRpcCode(error);
      // A JSON-RPC error answered by the server: the convention's error.type is its code.
      if (code !== undefined && isMcpError(error)) {
        span.setAttribute(ATTR.RPC_RESPONSE_STATUS_CODE, String(code));
        span.setAttribute(ATTR.ERROR_TYPE, String(code));
      }
      recordCall(settings, plan, startedMs, 'error');
    },
  });
}

/** Adds the MCP attributes of a `tools/call` to the tool span already tracing it, instead of a new span. */
function enrich(
  protocol: Obj,
  toolSpan: Span,
  plan: McpRequestPlan,
  settings: McpSettings,
  send: () => unknown,
) {
  enriched.add(toolSpan);
  const span = new SpanHandle(toolSpan, settings.captureContent);
  const startedMs = performance.now();
  tryOrWarn(settings.adapter, 'enrich', 'could not add MCP attributes to a tool span', () =>
    span.setAttributes({ ...transportAttributes(protocol.transport), ...plan.attributes }),
  );
  let result: unknown;
  try {
    result = sendWithId(protocol, send, span);
  } catch (error) {
    recordCall(settings, plan, startedMs, 'error');
    throw error;
  }
  return Promise.resolve(result).then(
    (value) => {
      tryOrWarn(settings.adapter, 'result', 'could not record an MCP result', () => {
        const outcome = observeResult(protocol, plan, undefined, value, settings);
        lateAttributes(protocol, span);
        if (outcome === 'tool_error' && isObj(value)) markToolError(span, value);
        recordCall(settings, plan, startedMs, outcome);
      });
      return value;
    },
    (error: unknown) => {
      tryOrWarn(settings.adapter, 'error', 'could not record an MCP error', () => {
        lateAttributes(protocol, span);
        // The tool span records the error itself when it propagates; the JSON-RPC code is what only we know.
        const code = jsonRpcCode(error);
        if (code !== undefined && isMcpError(error))
          span.setAttribute(ATTR.RPC_RESPONSE_STATUS_CODE, String(code));
        recordCall(settings, plan, startedMs, 'error');
      });
      throw error;
    },
  );
}

/**
 * The active span when it is a tool span for this very tool name, still open, not an MCP span and not yet
 * enriched: ours or any GenAI-conventions span (`glassbox.span.type = TOOL` or `gen_ai.operation.name =
 * execute_tool`, with `gen_ai.tool.name`), or a Vercel AI SDK `ai.toolCall` span (`ai.toolCall.name`).
 */
function enrichableToolSpan(toolName: string): Span | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined || !span.isRecording() || enriched.has(span)) return undefined;
  const { attributes, ended } = span as unknown as { attributes?: Attributes; ended?: boolean };
  if (!isObj(attributes) || ended === true || attributes[ATTR.MCP_METHOD_NAME] !== undefined)
    return undefined;
  const genAiTool =
    (attributes[ATTR.SPAN_TYPE] === SpanType.TOOL ||
      attributes[ATTR.GEN_AI_OPERATION_NAME] === 'execute_tool') &&
    attributes[ATTR.GEN_AI_TOOL_NAME] === toolName;
  const aiSdkTool =
    attributes['ai.operationId'] === 'ai.toolCall' && attributes['ai.toolCall.name'] === toolName;
  return genAiTool || aiSdkTool ? span : undefined;
}

/** Sends, then records the JSON-RPC id the SDK gave the request (its `_requestMessageId` counter). */
function sendWithId(protocol: Obj, send: () => unknown, span: SpanHandle | undefined): unknown {
  const before = readCounter(protocol);
  const result = send();
  const after = readCounter(protocol);
  // The counter moves only when the request was really sent (not when it was refused before sending).
  if (span && before !== undefined && after === before + 1)
    span.setAttribute(ATTR.JSONRPC_REQUEST_ID, String(before));
  return result;
}

function readCounter(protocol: Obj): number | undefined {
  const value: unknown = protocol._requestMessageId;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** `mcp.session.id` and `mcp.protocol.version`, read when the response is in (HTTP sets them then). */
function lateAttributes(protocol: Obj, span: SpanHandle): void {
  const transport = protocol.transport;
  const version: unknown = isObj(transport) ? transport.protocolVersion : undefined;
  span.setAttribute(ATTR.MCP_SESSION_ID, sessionIdOf(transport));
  span.setAttribute(
    ATTR.MCP_PROTOCOL_VERSION,
    typeof version === 'string' ? version : stateOf(protocol).protocolVersion,
  );
}

/** Learns from a result (the protocol version, the server's tools) and tells how the call ended. */
function observeResult(
  protocol: Obj,
  plan: McpRequestPlan,
  request: Obj | undefined,
  result: unknown,
  settings: McpSettings,
): McpCallOutcome {
  if (!isObj(result)) return 'ok';
  const owner = settings.reportOwner;
  if (plan.method === 'initialize') {
    rememberInitialize(protocol, result);
    if (owner && isObj(result.serverInfo)) recordMcpServerName(owner, result.serverInfo.name);
  } else if (plan.method === 'tools/list' && owner && Array.isArray(result.tools)) {
    const tools = result.tools.filter(
      (t: unknown): t is { name: string } => isObj(t) && typeof t.name === 'string',
    );
    const cursor = isObj(request?.params) ? request.params.cursor : undefined;
    recordMcpToolList(owner, tools, cursor === undefined);
  }
  return plan.method === 'tools/call' && result.isError === true ? 'tool_error' : 'ok';
}

function recordCall(settings: McpSettings, plan: McpRequestPlan, startedMs: number, outcome: McpCallOutcome) {
  if (settings.reportOwner && plan.toolName !== undefined) {
    recordMcpToolCall(settings.reportOwner, plan.toolName, performance.now() - startedMs, outcome);
  }
}

/** An error the SDK built from a JSON-RPC error response (`McpError`, from any copy of the SDK). */
function isMcpError(error: unknown): boolean {
  if (!isObj(error)) return false;
  if (error.name === 'McpError') return true;
  for (let proto = Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    if (proto.constructor?.name === 'McpError') return true;
  }
  return false;
}
